import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { FileSecretReader } from '../../../shared/adapters/local/fileSecretReader';
import { FirestoreTokenLedger } from '../../../shared/adapters/gcp/firestoreTokenLedger';
import { ensureTopic } from '../../../shared/adapters/gcp/pubSubEventBus';
import { SecretManagerReader } from '../../../shared/adapters/gcp/secretManagerReader';
import type { AppContext } from '../../../shared/app/context';
import { createContext, type ContextOverrides } from '../../../shared/app/createContext';
import { EtradeClients } from '../../../shared/app/etradeClients';
import { generateApiKey } from '../../../shared/auth';
import { jsonLogger } from '../../../shared/log';
import { SECRET_IDS, type SecretReader } from '../../../shared/ports/secretReader';
import type { AccessTokenState } from '../../../shared/simulator';
import { BotApiServer } from '../../fakes/botApiServer';
import { clientGrpc } from '../../fakes/secretManager/grpcRuntime';
import { startFakeSecretManager, type FakeSecretManager } from '../../fakes/secretManagerServer';
import { TEST_PROJECT_ID } from '../../global/testEnv';
import { CANARY_BOT_TOKEN, CANARY_WEBHOOK_SECRET, TELEGRAM_CHAT } from '../../support/canaries';
import { FunctionsHarness, type Answer, type Credentials } from '../../support/functionsHarness';
import { LOGIN_LINK_KEY } from '../../support/localWorld';
import { RecordingNotifier } from '../../support/recordingNotifier';
import { CANARY_CONSUMER, SimulatedEtrade, loginAndReadPin } from '../../support/simulatedEtrade';
import { PUBLISHER_SERVICE, QUICK_RECONNECT, SECRET_MANAGER_SERVICE, quickClientConfig } from './gax';
import { SwitchableProxy } from './switchableProxy';
import { UnavailableLedger } from './unavailableLedger';

export interface WorldOptions {
  /** ISO instant the shared clock (system and simulator) starts at. */
  readonly startAt: string;
  /**
   * TELEGRAM_CHAT_ID and the Bot API fake: notices then go through the real fan-out (console or
   * nothing else, plus Telegram) and are counted from its `notify.sent` lines, not a recorder.
   */
  readonly telegram?: boolean;
  /** Per E*TRADE attempt; short so a timeout fault costs little wall time. */
  readonly etradeTimeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** The system's clock minus E*TRADE's (the simulator's): negative = we run behind. */
  readonly clockSkewMs?: number;
}

/** What the GCP worlds of one test file share: the emulators' clients and the token-events topic. */
export interface GcpBackbone {
  readonly firestore: Firestore;
  /** Publishes through `pubsubProxy`, with short deadlines. */
  readonly pubsub: PubSub;
  readonly pubsubProxy: SwitchableProxy;
  readonly topic: string;
  /** One Secret Manager for the file, emptied for each world. */
  readonly secretManager: WorldSecretManager;
}

/** The Secret Manager of one GCP world: the fake behind a proxy that can be switched off. */
export interface WorldSecretManager {
  readonly fake: FakeSecretManager;
  readonly proxy: SwitchableProxy;
  readonly client: SecretManagerServiceClient;
}

export const ETRADE_TIMEOUT_MS = 200;
/** Secret Manager calls give up after this long when the service is gone. */
export const SECRET_MANAGER_DEADLINE_MS = 400;

let worlds = 0;

/**
 * One system under test: the functions through the real entry point, the strict simulator as
 * E*TRADE on a hand-moved clock, and either the embedded stores (`local`) or the GCP adapters on the
 * emulators and the Secret Manager fake (`gcp`). Every log line is kept; notices are counted.
 */
export class World {
  readonly logs: string[] = [];
  readonly api = generateApiKey();
  ctx!: AppContext;
  fx!: FunctionsHarness;
  trader!: Credentials;
  recorder?: RecordingNotifier;
  bot?: BotApiServer;
  /** GCP only: the ledger wrapper that can answer like an unreachable Firestore. */
  firestore?: UnavailableLedger;
  secretManager?: WorldSecretManager;
  backbone?: GcpBackbone;
  /** GCP only: this world's Firestore collections are `${collectionPrefix}connections` and so on. */
  collectionPrefix = '';
  private readonly closers: (() => Promise<unknown>)[] = [];

  private constructor(
    readonly kind: 'local' | 'gcp',
    readonly etrade: SimulatedEtrade,
  ) {}

  static async local(options: WorldOptions): Promise<World> {
    const world = new World('local', await new SimulatedEtrade(options.startAt).start());
    const dir = await mkdtemp(join(tmpdir(), 'etrade-oauth-reliability-'));
    world.closers.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'secrets.json');
    await writeFile(file, JSON.stringify(world.seedSecrets()), { mode: 0o600 });
    const secrets = new FileSecretReader(file);
    await world.compose({ LOCAL_DATA_DIR: dir }, secrets, options, {});
    return world;
  }

  static async gcp(backbone: GcpBackbone, options: WorldOptions): Promise<World> {
    const world = new World('gcp', await new SimulatedEtrade(options.startAt).start());
    const { fake, client } = backbone.secretManager;
    fake.reset(); // secrets, versions, queued faults: every world starts from nothing
    world.secretManager = backbone.secretManager;
    world.backbone = backbone;
    world.closers.push(() => backbone.secretManager.proxy.restore());
    const parent = `projects/${TEST_PROJECT_ID}`;
    await Promise.all(
      Object.entries(world.seedSecrets()).map(async ([secretId, value]) => {
        await client.createSecret({ parent, secretId, secret: { replication: { automatic: {} } } });
        await client.addSecretVersion({
          parent: `${parent}/secrets/${secretId}`,
          payload: { data: Buffer.from(value) },
        });
      }),
    );
    world.collectionPrefix = `w${++worlds}-${Date.now()}-`;
    world.firestore = new UnavailableLedger(
      new FirestoreTokenLedger(backbone.firestore, { collectionPrefix: world.collectionPrefix }),
    );
    const secrets = new SecretManagerReader(client, TEST_PROJECT_ID);
    await world.compose(
      {
        USE_GCP: '1',
        GOOGLE_CLOUD_PROJECT: TEST_PROJECT_ID,
        TOKEN_EVENTS_TOPIC: backbone.topic,
        PAGE_URL: 'https://tokens.example.com',
      },
      secrets,
      options,
      {
        ledger: world.firestore.ledger,
        gcp: { firestore: backbone.firestore, pubsub: backbone.pubsub, secretManager: client },
      },
    );
    return world;
  }

  get now(): number {
    return this.etrade.now;
  }

  advance(ms: number): void {
    this.etrade.advance(ms);
  }

  at(iso: string): void {
    this.etrade.now = Date.parse(iso);
  }

  /** Kinds of every notice so far, in order: recorded, or read from the fan-out's `notify.sent`. */
  noticeKinds(): string[] {
    if (this.recorder) return this.recorder.notices.map((notice) => notice.kind);
    return this.events('notify.sent').map((entry) => String(entry.kind));
  }

  events(message: string): Record<string, unknown>[] {
    return this.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.message === message);
  }

  /** requestToken, then the simulator's login page for the PIN. */
  async startFlow(connection = 'prod'): Promise<{ flowId: string; pin: string }> {
    const started = await this.fx.call('requestToken', '/api/request-token', {
      body: { connection },
      credentials: this.trader,
    });
    if (started.status !== 201) throw new Error(`requestToken answered ${started.status}`);
    const { flowId, authorizeUrl } = started.body as { flowId: string; authorizeUrl: string };
    return { flowId, pin: await loginAndReadPin(authorizeUrl) };
  }

  exchange(flow: { flowId: string; pin: string }): Promise<Answer> {
    return this.fx.call('exchangePin', '/api/exchange-pin', { body: flow, credentials: this.trader });
  }

  /** The whole human renewal through the functions; throws unless it stored a new generation. */
  async renew(): Promise<number> {
    const answer = await this.exchange(await this.startFlow());
    if (answer.status !== 200) throw new Error(`exchangePin answered ${answer.status}`);
    return (answer.body as { generation: number }).generation;
  }

  async signIn(): Promise<void> {
    this.trader = await this.fx.signIn();
  }

  /** The stored facts, read past any injected fault: ledger record, vault versions, E*TRADE's view. */
  async inspect(connection = 'prod'): Promise<StoredState> {
    const ledger = this.firestore?.inner ?? this.ctx.ledger;
    const record = await ledger.get(connection);
    const version = record.secretVersion;
    const recorded = version ? await this.ctx.vault.readTokenPair(connection, version) : undefined;
    const newest = await this.ctx.vault.readTokenPair(connection);
    const olderEnabled: string[] = [];
    for (let v = 1; version && v < Number(version); v++) {
      if (await this.ctx.vault.readTokenPair(connection, String(v))) olderEnabled.push(String(v));
    }
    const head = record.history[0];
    return {
      generation: record.generation,
      secretVersion: version,
      readable: recorded !== undefined,
      simState: recorded ? this.etrade.sim.tokenState(recorded.pair.token) : undefined,
      newestEnabled: newest?.version,
      olderEnabled,
      historyMatches:
        record.generation === 0
          ? record.history.length === 0
          : head?.generation === record.generation && head.secretVersion === version,
      diedAt: record.diedAt,
      failureStreak: record.keepAlive.failureStreak,
      pair: recorded?.pair,
    };
  }

  async close(): Promise<void> {
    await this.fx?.close();
    await this.etrade.close();
    await this.bot?.close();
    for (const close of this.closers.reverse()) await close();
  }

  private seedSecrets(): Record<string, string> {
    const consumer = JSON.stringify(CANARY_CONSUMER);
    return {
      'etrade-oauth-prod-consumer': consumer,
      'etrade-oauth-sandbox-consumer': consumer,
      [SECRET_IDS.loginLinkKey]: LOGIN_LINK_KEY,
      [SECRET_IDS.apiKeyHash]: this.api.hash,
      [SECRET_IDS.telegramBotToken]: CANARY_BOT_TOKEN,
      [SECRET_IDS.telegramWebhookSecret]: CANARY_WEBHOOK_SECRET,
    };
  }

  private async compose(
    base: Record<string, string>,
    secrets: SecretReader,
    options: WorldOptions,
    overrides: ContextOverrides,
  ): Promise<void> {
    const sim = this.etrade.sim;
    const skew = options.clockSkewMs ?? 0;
    const clock = { now: () => new Date(this.etrade.now + skew) };
    const log = jsonLogger((line) => this.logs.push(line));
    const env: Record<string, string> = {
      ...base,
      ETRADE_OAUTH_BASE: sim.url,
      ETRADE_API_BASE: sim.url,
      ETRADE_AUTHORIZE_BASE: sim.authorizeUrlBase,
      ...options.env,
    };
    if (options.telegram) {
      // The bot as an admin allowed to delete messages: it deletes codes pasted into the group.
      this.bot = await new BotApiServer({
        tokens: [CANARY_BOT_TOKEN],
        chats: [TELEGRAM_CHAT],
        deleteRightsIn: [TELEGRAM_CHAT],
      }).start();
      Object.assign(env, { TELEGRAM_CHAT_ID: TELEGRAM_CHAT, TELEGRAM_API_ROOT: this.bot.url });
    } else {
      this.recorder = new RecordingNotifier();
    }
    // Instant retry sleeps: backoff is the client's own tests' business.
    const etrade = new EtradeClients({
      secrets,
      clock,
      log,
      sleep: async () => undefined,
      timeoutMs: options.etradeTimeoutMs ?? ETRADE_TIMEOUT_MS,
    });
    this.ctx = createContext(env, {
      clock,
      log,
      secrets,
      etrade,
      ...(this.recorder && { notifier: this.recorder }),
      ...overrides,
    });
    this.fx = await new FunctionsHarness(this).start();
    await this.signIn();
  }
}

export interface StoredState {
  readonly generation: number;
  readonly secretVersion?: string;
  /** The vault still returns the pair of the recorded version. */
  readonly readable: boolean;
  readonly simState?: AccessTokenState | 'unknown';
  /** The vault's newest enabled version: what a reader of `latest` gets. */
  readonly newestEnabled?: string;
  /** Versions older than the recorded one that are still readable. */
  readonly olderEnabled: readonly string[];
  /** The record's generation and version are its history's newest entry: nothing half-written. */
  readonly historyMatches: boolean;
  readonly diedAt?: Date;
  readonly failureStreak: number;
  readonly pair?: { readonly token: string; readonly secret: string };
}

/** Firestore data of these tests lives in its own emulator project: other suites wipe theirs. */
export const RELIABILITY_FIRESTORE_PROJECT = 'etrade-oauth-reliability';

export interface StartedBackbone extends GcpBackbone {
  /** A direct client (no proxy) for subscriptions. */
  readonly direct: PubSub;
  close(): Promise<void>;
}

/** The emulator clients and a fresh token-events topic; Pub/Sub publishing goes through a proxy. */
export async function startGcpBackbone(): Promise<StartedBackbone> {
  const firestore = new Firestore({ projectId: RELIABILITY_FIRESTORE_PROJECT });
  const direct = new PubSub({ projectId: TEST_PROJECT_ID });
  const topic = `reliability-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await ensureTopic(direct, topic);
  const [host, port] = (process.env.PUBSUB_EMULATOR_HOST ?? '').split(':');
  const pubsubProxy = await new SwitchableProxy(host, Number(port)).start();
  const pubsub = new PubSub({
    projectId: TEST_PROJECT_ID,
    apiEndpoint: pubsubProxy.address,
    emulatorMode: true,
    clientConfig: quickClientConfig(PUBLISHER_SERVICE, 500),
    ...QUICK_RECONNECT,
  } as ConstructorParameters<typeof PubSub>[0]);
  const fake = await startFakeSecretManager();
  const proxy = await new SwitchableProxy('127.0.0.1', fake.port).start();
  const client = new SecretManagerServiceClient({
    apiEndpoint: '127.0.0.1',
    port: proxy.port,
    sslCreds: clientGrpc().credentials.createInsecure(),
    clientConfig: quickClientConfig(SECRET_MANAGER_SERVICE, SECRET_MANAGER_DEADLINE_MS),
    ...QUICK_RECONNECT,
  } as ConstructorParameters<typeof SecretManagerServiceClient>[0]);
  return {
    firestore,
    pubsub,
    pubsubProxy,
    topic,
    direct,
    secretManager: { fake, proxy, client },
    close: async () => {
      await Promise.all([pubsub.close(), direct.close(), firestore.terminate(), client.close()]);
      await Promise.all([pubsubProxy.close(), proxy.close(), fake.close()]);
    },
  };
}
