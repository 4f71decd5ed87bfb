/* eslint-disable @typescript-eslint/no-require-imports -- heavy clients load on first use, not at cold start */
import { join } from 'node:path';
import { nyseCalendar } from '../calendar';
import { type AppConfig, type Env, loadConfig } from '../config';
import { jsonLogger, type Logger } from '../log';
import { AlertingChat } from '../notify/alertingChat';
import { type Channel, fanOutNotifier } from '../notify/fanOut';
import { chatLinks, pageLinks, withActionLinks } from '../notify/noticeActions';
import type { TelegramChat } from '../notify/telegramHtml';
import { type Clock, systemClock } from '../ports/clock';
import type { EventBus } from '../ports/eventBus';
import type { Notifier } from '../ports/notifier';
import type { NoticeOutbox } from '../ports/noticeOutbox';
import { InlineNoticeOutbox } from '../adapters/local/inlineNoticeOutbox';
import type { SecretReader } from '../ports/secretReader';
import type { SecretVault } from '../ports/secretVault';
import type { TokenLedger } from '../ports/tokenLedger';
import { SnapshotTokenLedger } from '../status/snapshotTokenLedger';
import type { AppContext } from './context';
import type { EtradeClients } from './etradeClients';

/** Google clients a caller may supply (tests: the Secret Manager fake needs an insecure channel). */
export interface GcpClients {
  readonly firestore?: unknown;
  readonly pubsub?: unknown;
  readonly secretManager?: unknown;
}

/** Ports a caller (a test, the local system) may supply instead of the configured adapters. */
export type ContextOverrides = Partial<Omit<AppContext, 'config' | 'ledgerSnapshots'>> & {
  readonly gcp?: GcpClients;
};

/** Where the local system keeps its embedded stores (ledger, vault, secrets). */
export const DEFAULT_LOCAL_DATA_DIR = '.local';
export const DEFAULT_LOCAL_PAGE_URL = 'http://127.0.0.1:8080';

/**
 * The composition root: validated config picks GCP adapters (USE_GCP=1) or the local embedded ones.
 * Every adapter is built on first use, so a function that never publishes never loads Pub/Sub.
 */
export function createContext(env: Env = process.env, overrides: ContextOverrides = {}): AppContext {
  const config = loadConfig(env);
  const clock: Clock = overrides.clock ?? systemClock;
  const log: Logger = overrides.log ?? jsonLogger();
  const adapters = config.useGcp
    ? gcpAdapters(config, env, log, overrides.gcp ?? {})
    : localAdapters(env, clock, log);
  const pageUrl = env.PAGE_URL ?? DEFAULT_LOCAL_PAGE_URL;
  const once = memo();
  const secrets = () => overrides.secrets ?? once('secrets', adapters.secrets);
  // A supplied ledger is wrapped too: status then sees this context's writes at once, as in production.
  const ledger = () =>
    once(
      'ledger',
      () =>
        new SnapshotTokenLedger(overrides.ledger ?? adapters.ledger(), {
          maxAgeMs: config.statusMaxAgeMs,
          clock,
        }),
    );
  // The configured chat: its notices carry renew buttons bound to it, and stay true once acted on.
  const telegram = (): TelegramChat | undefined =>
    overrides.telegram ??
    once('telegram', () => {
      const chatId = config.telegramChatId;
      if (chatId === undefined) return undefined;
      const bot: TelegramChat = new (require('../adapters/telegram/telegrafNotifier').TelegrafNotifier)({
        secrets: secrets(),
        chatId,
        apiRoot: config.telegramApiRoot,
        log,
        // Locally a chat id without a bot token just means Telegram is not set up yet.
        optional: !config.useGcp,
      });
      const links = chatLinks({ secrets: secrets(), clock, pageUrl, chatId });
      return new AlertingChat({ bot, chatId, links, ledger: ledger(), clock, log });
    });
  // Every other channel cannot take a pasted code: its links sign in to the page, the renewal ready.
  const onPage = (notifier: Notifier): Notifier =>
    withActionLinks(notifier, pageLinks({ secrets: secrets(), clock, pageUrl }), clock);
  const channels = (): Channel[] => {
    const chats: Channel[] = [];
    const chat = telegram();
    if (chat) chats.push({ name: 'telegram', notifier: chat });
    if (config.slackEnabled) {
      const { SlackWebhookNotifier } = require('../adapters/slack/slackWebhookNotifier');
      chats.push({ name: 'slack', notifier: onPage(new SlackWebhookNotifier({ secrets: secrets(), log })) });
    }
    // A caller's notifier (a test's recorder) stands in for the console or the log line.
    if (overrides.notifier) return [{ name: 'local', notifier: onPage(overrides.notifier) }, ...chats];
    return adapters.channels(chats, onPage);
  };
  const notifier = (): Notifier => once('notifier', () => fanOutNotifier(channels(), log));
  return {
    config,
    clock,
    log,
    pageUrl,
    get calendar() {
      return overrides.calendar ?? once('calendar', () => nyseCalendar());
    },
    get ledger() {
      return ledger();
    },
    get ledgerSnapshots() {
      return ledger();
    },
    get vault() {
      return overrides.vault ?? once('vault', adapters.vault);
    },
    get events() {
      return overrides.events ?? once('events', adapters.events);
    },
    get notifier() {
      return notifier();
    },
    get outbox() {
      return (
        overrides.outbox ?? once('outbox', () => adapters.outbox() ?? new InlineNoticeOutbox(notifier()))
      );
    },
    get telegram() {
      return telegram();
    },
    get secrets() {
      return secrets();
    },
    warmClients: () => adapters.warmClients(),
    get etrade() {
      // Lazy like the adapters: axios and the signer load only in functions that call E*TRADE.
      return (
        overrides.etrade ??
        once(
          'etrade',
          (): EtradeClients =>
            new (require('./etradeClients').EtradeClients)({ secrets: secrets(), clock, log }),
        )
      );
    },
  };
}

interface Adapters {
  ledger(): TokenLedger;
  vault(): SecretVault;
  events(): EventBus;
  /** A queue for notices, if the composition has one; else they go out in-line. */
  outbox(): NoticeOutbox | undefined;
  /** AppContext.warmClients. */
  warmClients(): Promise<void>;
  /** The channels notices fan out to, given the configured chat channels and the page-link step. */
  channels(chats: Channel[], onPage: (notifier: Notifier) => Notifier): Channel[];
  secrets(): SecretReader;
}

function localAdapters(env: Env, clock: Clock, log: Logger): Adapters {
  const dir = env.LOCAL_DATA_DIR ?? DEFAULT_LOCAL_DATA_DIR;
  return {
    ledger: () =>
      new (require('../adapters/local/fileTokenLedger').FileTokenLedger)(join(dir, 'ledger.json'), { clock }),
    vault: () =>
      new (require('../adapters/local/fileSecretVault').FileSecretVault)(join(dir, 'vault'), clock),
    events: () =>
      new (require('../adapters/local/inProcessEventBus').InProcessEventBus)({
        onHandlerError: () => log.warn('events.handler_failed'),
      }),
    outbox: () => undefined,
    warmClients: async () => undefined,
    // The console is the local "chat"; a configured Telegram chat or Slack channel gets the notices too.
    channels: (chats, onPage) => [
      {
        name: 'console',
        notifier: onPage(new (require('../adapters/local/consoleNotifier').ConsoleNotifier)()),
      },
      ...chats,
    ],
    secrets: () =>
      new (require('../adapters/local/fileSecretReader').FileSecretReader)(join(dir, 'secrets.json')),
  };
}

function gcpAdapters(config: AppConfig, env: Env, log: Logger, clients: GcpClients): Adapters {
  const projectId = config.gcpProjectId as string; // loadConfig requires it when useGcp
  const once = memo();
  const built = new Set<string>();
  const pubsub = () =>
    once('pubsub', () => {
      built.add('pubsub');
      return clients.pubsub ?? new (require('@google-cloud/pubsub').PubSub)({ projectId });
    });
  const secretManager = () =>
    once('secretManager', () => {
      built.add('secretManager');
      return (
        clients.secretManager ??
        new (require('@google-cloud/secret-manager').SecretManagerServiceClient)(secretManagerEmulator(env))
      );
    });
  return {
    ledger: () =>
      new (require('../adapters/gcp/firestoreTokenLedger').FirestoreTokenLedger)(
        clients.firestore ?? new (require('@google-cloud/firestore').Firestore)({ projectId }),
      ),
    vault: () =>
      new (require('../adapters/gcp/secretManagerVault').SecretManagerVault)(secretManager(), projectId),
    events: () =>
      new (require('../adapters/gcp/pubSubEventBus').PubSubEventBus)(pubsub(), config.tokenEventsTopic),
    outbox: () =>
      config.noticesTopic === undefined
        ? undefined
        : new (require('../adapters/gcp/pubSubNoticeOutbox').PubSubNoticeOutbox)(
            pubsub(),
            config.noticesTopic,
          ),
    // With no chat channel configured, notices at least reach Cloud Logging (without links).
    channels: (chats) => (chats.length > 0 ? chats : [{ name: 'log', notifier: cloudLoggingNotifier(log) }]),
    warmClients: async () => {
      const jobs: Promise<unknown>[] = [];
      if (built.has('secretManager')) {
        const client = secretManager() as GapicClient & { secretManagerServiceStub: Promise<Stub> };
        jobs.push(client.initialize().then(() => client.secretManagerServiceStub.then(connect)));
      }
      if (built.has('pubsub')) {
        // The publisher's generated client, as the first publish would make it (PubSub makes it lazily).
        const client = pubsub() as { getClientAsync_(c: { client: string }): Promise<GapicClient> };
        jobs.push(
          client.getClientAsync_({ client: 'PublisherClient' }).then((publisher) =>
            publisher
              .initialize()
              .then(() => (publisher as unknown as { publisherStub: Promise<Stub> }).publisherStub)
              .then(connect),
          ),
        );
      }
      const results = await Promise.allSettled(jobs);
      if (results.some((r) => r.status === 'rejected')) log.warn('warm_up.clients_failed');
    },
    // Configuration secrets mounted as environment variables (infra/functions.tf) cost no client and no
    // round trip; Secret Manager is asked only for one that is not mounted.
    secrets: () =>
      new (require('../adapters/gcp/envSecretReader').EnvSecretReader)(env, {
        otherwise: () =>
          new (require('../adapters/gcp/secretManagerReader').SecretManagerReader)(
            secretManager(),
            projectId,
          ),
      }),
  };
}

/**
 * SECRET_MANAGER_EMULATOR_HOST (`host:port`), like FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST,
 * which those clients read themselves: Secret Manager has no such variable, so the benchmarks point a
 * function process (bundled or not) at the Secret Manager fake (plaintext, no credentials) this way.
 */
function secretManagerEmulator(env: Env): Record<string, unknown> | undefined {
  const host = env.SECRET_MANAGER_EMULATOR_HOST;
  const match = host === undefined ? null : /^(.+):(\d+)$/.exec(host);
  if (!match) return undefined;
  // The credentials must come from the grpc-js copy the client's google-gax uses (an instanceof check).
  const { grpc } = require('google-gax');
  return { apiEndpoint: match[1], port: Number(match[2]), sslCreds: grpc.credentials.createInsecure() };
}

/** A Google generated (GAPIC) client: `initialize` loads its protos and makes its gRPC stub. */
interface GapicClient {
  initialize(): Promise<unknown>;
}
interface Stub {
  getChannel?(): { getConnectivityState(tryToConnect: boolean): unknown };
}

/** Starts the stub's connection (TCP, TLS, HTTP/2) without a call; gRPC connects lazily otherwise. */
function connect(stub: Stub): void {
  stub.getChannel?.().getConnectivityState(true);
}

function cloudLoggingNotifier(log: Logger): Notifier {
  return {
    send: async (notice) =>
      log.info('notice', { kind: notice.kind, connection: notice.connectionId, title: notice.title }),
  };
}

function memo() {
  const made = new Map<string, unknown>();
  return <T>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
}
