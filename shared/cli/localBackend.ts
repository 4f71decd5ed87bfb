import { ConsoleNotifier } from '../adapters/local/consoleNotifier';
import type { AppContext } from '../app/context';
import { createContext } from '../app/createContext';
import { freshLoginLink } from '../auth';
import { tradingClientFor } from '../client/fromContext';
import type { TradingClient } from '../client/tradingClient';
import { loadConfig } from '../config';
import { runKeepAlive } from '../keepalive';
import { ensureLocalSecrets } from '../local/secrets';
import { jsonLogger, silentLogger } from '../log';
import { exchangePin } from '../pinflow/exchangePin';
import { startPinFlow } from '../pinflow/startPinFlow';
import type { Clock } from '../ports/clock';
import type { Notifier } from '../ports/notifier';
import { statusReport } from '../status/statusReport';
import type { Backend, BalancesAnswer, TokenOperations } from './backend';
import type { Env, OutputStream } from './io';
import { DEFAULT_SIM_PORT } from './pinFlow';
import { revokeToken } from './revokeToken';

/** PIN flows are bound to an owner; every local command line is the same one. */
const CLI_FLOW_OWNER = 'cli:local';

export interface LocalBackendOptions {
  readonly dataDir: string;
  readonly env: Env;
  readonly clock: Clock;
  /** With --verbose: log lines and notices go here; otherwise nowhere (stdout is the command's). */
  readonly stderr?: OutputStream;
}

/**
 * The stores themselves, through the same composition root as the functions. Without USE_GCP that is
 * the data directory `npm start` uses, and E*TRADE is the simulator on SIM_PORT unless real keys (or
 * ETRADE_*_BASE) are set, as for `npm start`. With USE_GCP=1 it is Firestore and Secret Manager.
 */
export function localBackend(options: LocalBackendOptions): Backend {
  const env = localEnv(options.env, options.dataDir);
  const useGcp = loadConfig(env).useGcp;
  const { stderr } = options;
  const log = stderr ? jsonLogger((line) => void stderr.write(`${line}\n`)) : silentLogger;
  const notifier: Notifier = stderr
    ? new ConsoleNotifier((text) => void stderr.write(text))
    : { send: async () => undefined };
  const ctx = createContext(env, { clock: options.clock, log, notifier });
  // First use seeds what `npm start` would: login-link key, API key, consumer keys. Idempotent.
  let seeded: Promise<unknown> | undefined;
  const ready = async (): Promise<AppContext> => {
    if (!useGcp) seeded ??= ensureLocalSecrets(options.dataDir, ctx.config.connections, env);
    await seeded;
    return ctx;
  };
  const clients: TradingClient[] = [];
  const client = async (connectionId: string) => {
    const made = await tradingClientFor(await ready(), connectionId);
    clients.push(made);
    return made;
  };
  const tokens: TokenOperations = {
    accounts: async (connectionId) => {
      const trading = await client(connectionId);
      const accounts = await trading.listAccounts();
      return {
        connectionId: trading.connectionId,
        generation: (await trading.currentToken()).generation,
        accounts,
      };
    },
    balances: (connectionId, accountIdKey) => balances(client(connectionId), accountIdKey),
    revoke: async (connectionId) => revokeToken(await ready(), connectionId),
  };
  return {
    mode: 'local',
    target: useGcp ? `Firestore + Secret Manager (${ctx.config.gcpProjectId})` : options.dataDir,
    status: () => statusReport(ctx),
    keepAliveStatus: async () => {
      const report = await statusReport(ctx);
      return {
        now: report.now,
        connections: report.connections.map(({ id, state, generation, keepAlive }) => ({
          id,
          state,
          generation,
          keepAlive,
        })),
      };
    },
    forceKeepAlive: async () => runKeepAlive(await ready(), { force: true }),
    startLogin: async (connectionId) => {
      const flow = await startPinFlow(await ready(), { connectionId, session: CLI_FLOW_OWNER });
      return { ...flow, expiresAt: flow.expiresAt.toISOString() };
    },
    finishLogin: async (flowId, pin) => {
      const done = await exchangePin(await ready(), { flowId, pin, session: CLI_FLOW_OWNER });
      return { ...done, expiresAt: done.expiresAt.toISOString() };
    },
    // The data directory already holds the login-link key: printing a link reveals nothing more.
    loginLink: async () => ({ delivery: 'printed', url: await freshLoginLink(await ready()) }),
    tokens,
    close: async () => {
      await Promise.all(clients.map((made) => made.close()));
    },
  };
}

async function balances(pending: Promise<TradingClient>, accountIdKey?: string): Promise<BalancesAnswer> {
  const trading = await pending;
  const accounts = accountIdKey
    ? [{ accountIdKey, accountDesc: undefined }]
    : (await trading.listAccounts()).map(({ accountIdKey: key, accountDesc }) => ({
        accountIdKey: key,
        accountDesc,
      }));
  const answers = [];
  for (const account of accounts) {
    const balance = await trading.getBalance(account.accountIdKey);
    answers.push({ ...balance, accountIdKey: account.accountIdKey, accountDesc: account.accountDesc });
  }
  const { generation } = await trading.currentToken();
  return { connectionId: trading.connectionId, generation, balances: answers };
}

function localEnv(env: Env, dataDir: string): Env {
  const gcp = env.USE_GCP === '1' || env.USE_GCP === 'true';
  const realKeys = Boolean(env.ETRADE_CONSUMER_KEY && env.ETRADE_CONSUMER_SECRET);
  const sim = `http://127.0.0.1:${env.SIM_PORT ?? DEFAULT_SIM_PORT}`;
  const simulator =
    gcp || realKeys
      ? {}
      : { ETRADE_OAUTH_BASE: sim, ETRADE_API_BASE: sim, ETRADE_AUTHORIZE_BASE: `${sim}/e/t/etws/authorize` };
  // Explicit settings (ETRADE_OAUTH_BASE …) win over the simulator defaults.
  return { ...simulator, ...env, LOCAL_DATA_DIR: dataDir };
}
