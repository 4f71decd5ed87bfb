import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

import { ensureTopic } from '../../shared/adapters/gcp/pubSubEventBus';
import { createContext } from '../../shared/app/createContext';
import type { AppContext } from '../../shared/app/context';
import { createLoginLink, generateApiKey, LOGIN_TOKEN_PARAM } from '../../shared/auth';
import { DEFAULT_TOKEN_EVENTS_TOPIC } from '../../shared/config';
import { silentLogger } from '../../shared/log';
import { exchangePin } from '../../shared/pinflow/exchangePin';
import { startPinFlow } from '../../shared/pinflow/startPinFlow';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { DEMO_CONSUMER, EtradeSimulator } from '../../shared/simulator';
import { BotApiServer } from '../../test/fakes/botApiServer';
import {
  type FakeSecretManager,
  secretManagerClientOptions,
  startFakeSecretManager,
} from '../../test/fakes/secretManagerServer';
import { emulatorHostEnv, startEmulators, stopEmulators } from '../../test/global/emulators';
import type { EmulatorRun } from '../../test/global/emulatorRun';
import { FIXED_TEST_ENV } from '../../test/global/testEnv';

export const CHAT_ID = '424242';
/** The topic infra creates for queued notices (infra/pubsub.tf). */
export const NOTICES_TOPIC = 'etrade-oauth-notices';
export const BOT_TOKEN = '7000000001:bench-bot-token';
export const WEBHOOK_SECRET = 'bench-webhook-secret';
const LOGIN_LINK_KEY = 'bench-login-link-key-0123456789-abcdefghijklmnop';

/**
 * The deployed composition on loopback: Google's Firestore and Pub/Sub emulators (started the way the
 * tests start them), the Secret Manager gRPC fake, the E*TRADE simulator and a Bot API server. Every
 * function process gets its configuration from the environment alone, as in Cloud Functions.
 * Each `project()` is a fresh GCP project id: the emulators and the fake keep projects apart, so every
 * cold start meets the same state (seeded secrets, a topic, one live `prod` token).
 */
export class GcpWorld {
  readonly apiKey: string;
  private readonly apiKeyHash: string;
  private projects = 0;

  private constructor(
    private readonly emulators: EmulatorRun,
    readonly secretManager: FakeSecretManager,
    private readonly smClient: SecretManagerServiceClient,
    readonly sim: EtradeSimulator,
    readonly bot: BotApiServer,
    private readonly pageHost: Server,
  ) {
    ({ apiKey: this.apiKey, hash: this.apiKeyHash } = generateApiKey());
  }

  static async start(): Promise<GcpWorld> {
    const emulators = await startEmulators();
    Object.assign(process.env, FIXED_TEST_ENV, emulatorHostEnv(emulators.emulators));
    const fake = await startFakeSecretManager();
    const client = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
    const sim = new EtradeSimulator({ consumers: [DEMO_CONSUMER] });
    await sim.start();
    const bot = await new BotApiServer({ tokens: [BOT_TOKEN], chats: [CHAT_ID] }).start();
    // The page's host, on loopback: warm-ups (WARM_UP=1, as infra deploys) land here and get 204.
    const pageHost = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => pageHost.listen(0, '127.0.0.1', resolve));
    return new GcpWorld(emulators, fake, client, sim, bot, pageHost);
  }

  /** Every configuration secret a deployment holds (bootstrap-secrets.sh), by id; Slack is off. */
  get configSecrets(): Readonly<Record<string, string>> {
    return {
      'etrade-oauth-prod-consumer': JSON.stringify(DEMO_CONSUMER),
      'etrade-oauth-sandbox-consumer': JSON.stringify(DEMO_CONSUMER),
      [SECRET_IDS.loginLinkKey]: LOGIN_LINK_KEY,
      [SECRET_IDS.apiKeyHash]: this.apiKeyHash,
      [SECRET_IDS.telegramBotToken]: BOT_TOKEN,
      [SECRET_IDS.telegramWebhookSecret]: WEBHOOK_SECRET,
    };
  }

  /** What a deployed function's environment holds (plus the preload's Secret Manager port). */
  env(projectId: string): Record<string, string> {
    return {
      ...FIXED_TEST_ENV,
      ...emulatorHostEnv(this.emulators.emulators),
      GOOGLE_CLOUD_PROJECT: projectId,
      GCLOUD_PROJECT: projectId,
      PUBSUB_PROJECT_ID: projectId,
      USE_GCP: '1',
      ETRADE_OAUTH_BASE: this.sim.url,
      ETRADE_API_BASE: this.sim.url,
      ETRADE_AUTHORIZE_BASE: this.sim.authorizeUrlBase,
      TELEGRAM_CHAT_ID: CHAT_ID,
      TELEGRAM_API_ROOT: this.bot.url,
      PAGE_URL: `http://127.0.0.1:${(this.pageHost.address() as AddressInfo).port}`,
      // As infra sets it: exchangePin queues its notice (the renewal benchmark delivers the queue).
      NOTICES_TOPIC,
      NODE_ENV: 'production',
      BENCH_SECRET_MANAGER_PORT: String(this.secretManager.port),
      // A deploy bundle's Secret Manager client is out of the preload's reach: it reads this instead.
      SECRET_MANAGER_EMULATOR_HOST: `127.0.0.1:${this.secretManager.port}`,
    };
  }

  /**
   * A fresh project: the secrets a deployment has, the events topic, and (unless `liveToken: false`)
   * a `prod` token issued through the real PIN flow, so status, keep-alive and touch have work to do.
   */
  async project(options: { liveToken?: boolean } = {}): Promise<BenchProject> {
    const id = `bench-${process.pid}-${++this.projects}`;
    const parent = `projects/${id}`;
    await Promise.all(
      Object.entries(this.configSecrets).map(async ([secretId, value]) => {
        await this.smClient.createSecret({ parent, secretId, secret: { replication: { automatic: {} } } });
        await this.smClient.addSecretVersion({
          parent: `${parent}/secrets/${secretId}`,
          payload: { data: Buffer.from(value) },
        });
      }),
    );
    const project = new BenchProject(id, this);
    await ensureTopic(project.pubsub, DEFAULT_TOKEN_EVENTS_TOPIC);
    await ensureTopic(project.pubsub, NOTICES_TOPIC);
    if (options.liveToken !== false) await project.issueToken('prod');
    return project;
  }

  /** The parent's own context on a project: the real adapters, quiet. */
  context(project: BenchProject): AppContext {
    return createContext(this.env(project.id), {
      log: silentLogger,
      notifier: { send: async () => undefined },
      gcp: { firestore: project.firestore, pubsub: project.pubsub, secretManager: this.smClient },
    });
  }

  /** The token of a fresh sign-in link, as the morning reminder's button carries it. */
  loginToken(pageUrl: string): string {
    const { url } = createLoginLink({ key: LOGIN_LINK_KEY, pageUrl, now: new Date() });
    return new URL(url).searchParams.get(LOGIN_TOKEN_PARAM) ?? '';
  }

  /** The PIN a person reads off the authorize page after logging in. */
  pinFor(authorizeUrl: string): string {
    return this.sim.approve(new URL(authorizeUrl).searchParams.get('token') ?? '');
  }

  async close(): Promise<void> {
    this.pageHost.closeAllConnections();
    await new Promise((resolve) => this.pageHost.close(resolve));
    await this.smClient.close();
    await this.secretManager.close();
    await this.sim.close();
    await this.bot.close();
    await stopEmulators(this.emulators);
  }
}

export class BenchProject {
  readonly firestore: Firestore;
  readonly pubsub: PubSub;
  private ctx?: AppContext;

  constructor(
    readonly id: string,
    private readonly world: GcpWorld,
  ) {
    this.firestore = new Firestore({ projectId: id });
    this.pubsub = new PubSub({ projectId: id });
  }

  private get context(): AppContext {
    this.ctx ??= this.world.context(this);
    return this.ctx;
  }

  /** A pending PIN flow owned by API-key callers, and its PIN: what exchangePin's first request needs. */
  async pendingFlow(connectionId: string): Promise<{ flowId: string; pin: string }> {
    const flow = await startPinFlow(this.context, { connectionId, session: 'api-key' });
    return { flowId: flow.flowId, pin: this.world.pinFor(flow.authorizeUrl) };
  }

  async issueToken(connectionId: string): Promise<void> {
    const { flowId, pin } = await this.pendingFlow(connectionId);
    await exchangePin(this.context, { flowId, pin, session: 'api-key' });
  }

  async close(): Promise<void> {
    await Promise.all([this.firestore.terminate(), this.pubsub.close()]);
  }
}
