import { resolveEndpoints } from '../etrade/endpoints';
import { NEW_YORK } from '../time/newYork';
import { type ChannelConfig, channelConfig, switchSetting } from './channels';
import { type ConfigIssue, ConfigError } from './configError';
import {
  type Connection,
  type ConnectionEntry,
  duplicateIds,
  mergeConnectionEntries,
  readConnectionEntry,
  toConnection,
} from './connections';
import { Issues, expected, integerSetting, matching } from './fields';

export interface AppConfig extends ChannelConfig {
  /** Defaults first (`prod`, `sandbox`), then the connections `ETRADE_CONNECTIONS` adds. */
  readonly connections: readonly Connection[];
  /** Keep-alive this many minutes after the last call; E*TRADE idles a token at 120. */
  readonly keepAliveLeadMinutes: number;
  /**
   * How old the ledger snapshot behind a status answer may be, per instance (ms; 0 = read the ledger
   * for every request). Writes made through this instance's ledger show at once regardless.
   */
  readonly statusMaxAgeMs: number;
  /** E*TRADE's day, and so every expiry and schedule, runs on New York time. */
  readonly timeZone: typeof NEW_YORK;
  /** Required when `useGcp`; otherwise whatever the environment says, if anything. */
  readonly gcpProjectId?: string;
  readonly tokenEventsTopic: string;
  /**
   * Pub/Sub topic that queues notices for the `notices` function (with USE_GCP): a function that
   * announces something then waits for the queue, never for a chat channel. Unset: notices go out in-line.
   */
  readonly noticesTopic?: string;
  /** Firestore, Secret Manager and Pub/Sub adapters instead of the local ones. */
  readonly useGcp: boolean;
  /**
   * Warm the functions a renewal meets next (shared/app/warmUp.ts): on a sign-in, status and the PIN
   * flow's; on the morning reminder, the sign-in's. Requests go to PAGE_URL, so only where that is
   * the deployed page (infra sets WARM_UP=1).
   */
  readonly warmUp: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_KEEPALIVE_LEAD_MINUTES = 90;
export const DEFAULT_TOKEN_EVENTS_TOPIC = 'etrade-oauth-token-events';
/**
 * With Firestore: long enough that a busy instance reads the ledger about once a second, short enough
 * to be "now". The embedded file ledger answers from memory after a stat, so locally the default is 0:
 * a CLI in another process writing the same file shows at once.
 */
export const DEFAULT_STATUS_MAX_AGE_MS = 1000;
/** A status answer is a statement about the present: a snapshot may never be older than this. */
export const MAX_STATUS_MAX_AGE_MS = 1000;

// 6–30 characters; older projects may carry a `domain.com:` prefix.
const PROJECT_ID_PATTERN = /^(?:[a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// Pub/Sub's rule for topic ids; the `goog` prefix is reserved.
const TOPIC_ID_PATTERN = /^(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/;

const PROJECT_ID = 'a Google Cloud project id';

/** `ETRADE_CONNECTIONS` holds JSON text: a list of entries, ids unique. Undefined after any issue. */
function readConnectionList(issues: Issues, text: string): ConnectionEntry[] | undefined {
  const path = ['ETRADE_CONNECTIONS'];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // Only the position: the parser's message quotes the text, which should not reach a log.
    const at = /at position \d+/.exec((err as Error).message);
    return issues.add(path, `invalid JSON${at ? ` (${at[0]})` : ''}`);
  }
  if (!Array.isArray(parsed)) return issues.add(path, expected('a JSON array of connections')(parsed));
  const before = issues.list.length;
  const entries = parsed.map((raw, index) => readConnectionEntry(issues, [...path, index], raw));
  const named = parsed.flatMap((raw: unknown, index) => {
    const id = (raw as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? [{ id, index }] : [];
  });
  for (const { index, firstIndex } of duplicateIds(named.map(({ id }) => ({ id })))) {
    issues.add(
      [...path, named[index].index, 'id'],
      `duplicate id ${JSON.stringify(named[index].id)} (also ETRADE_CONNECTIONS[${named[firstIndex].index}])`,
    );
  }
  return issues.list.length === before ? (entries as ConnectionEntry[]) : undefined;
}

/**
 * Reads and validates the whole configuration once, at start-up. Throws a ConfigError listing every
 * issue, each naming its variable and path; never returns a half-valid config. Only the variables
 * below are read; every other variable in the environment is ignored.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const issues = new Issues();
  const entries =
    env.ETRADE_CONNECTIONS === undefined ? [] : readConnectionList(issues, env.ETRADE_CONNECTIONS);
  const keepAliveLeadMinutes = integerSetting(
    issues,
    'KEEPALIVE_LEAD_MINUTES',
    env.KEEPALIVE_LEAD_MINUTES,
    1,
    119,
  );
  const statusMaxAgeMs = integerSetting(
    issues,
    'STATUS_MAX_AGE_MS',
    env.STATUS_MAX_AGE_MS,
    0,
    MAX_STATUS_MAX_AGE_MS,
  );
  const project = (name: 'GOOGLE_CLOUD_PROJECT' | 'GCLOUD_PROJECT') =>
    env[name] === undefined ? undefined : matching(issues, [name], env[name], PROJECT_ID_PATTERN, PROJECT_ID);
  // Both are checked, though the first wins.
  const [google, gcloud] = [project('GOOGLE_CLOUD_PROJECT'), project('GCLOUD_PROJECT')];
  const gcpProjectId = google ?? gcloud;
  const tokenEventsTopic =
    env.TOKEN_EVENTS_TOPIC === undefined
      ? DEFAULT_TOKEN_EVENTS_TOPIC
      : matching(
          issues,
          ['TOKEN_EVENTS_TOPIC'],
          env.TOKEN_EVENTS_TOPIC,
          TOPIC_ID_PATTERN,
          'a Pub/Sub topic id',
        );
  const noticesTopic =
    env.NOTICES_TOPIC === undefined
      ? undefined
      : matching(issues, ['NOTICES_TOPIC'], env.NOTICES_TOPIC, TOPIC_ID_PATTERN, 'a Pub/Sub topic id');
  const useGcp = switchSetting(issues, 'USE_GCP', env.USE_GCP);
  const warmUp = switchSetting(issues, 'WARM_UP', env.WARM_UP);
  const channels = channelConfig(issues, env);
  // Checked on the raw values so it is reported even when other fields are broken too.
  if ((env.USE_GCP === '1' || env.USE_GCP === 'true') && !env.GOOGLE_CLOUD_PROJECT && !env.GCLOUD_PROJECT) {
    issues.add(['GOOGLE_CLOUD_PROJECT'], 'required when USE_GCP is on (GCLOUD_PROJECT is also accepted)');
  }
  if (issues.list.length > 0 || entries === undefined || tokenEventsTopic === undefined) {
    throw new ConfigError(issues.list);
  }

  const connections = resolveConnections(mergeConnectionEntries(entries), env);
  return Object.freeze({
    connections: Object.freeze(connections),
    keepAliveLeadMinutes: keepAliveLeadMinutes ?? DEFAULT_KEEPALIVE_LEAD_MINUTES,
    statusMaxAgeMs: statusMaxAgeMs ?? (useGcp ? DEFAULT_STATUS_MAX_AGE_MS : 0),
    timeZone: NEW_YORK,
    ...(gcpProjectId !== undefined ? { gcpProjectId } : {}),
    tokenEventsTopic,
    ...(noticesTopic !== undefined ? { noticesTopic } : {}),
    useGcp,
    warmUp,
    ...channels,
  });
}

/** Endpoints per field: the entry's own value, else the env overrides, else the environment's default. */
function resolveConnections(entries: readonly ConnectionEntry[], env: Env): Connection[] {
  const issues = new Map<string, ConfigIssue>();
  const connections = entries.map((entry) => {
    let resolved;
    try {
      resolved = resolveEndpoints(entry.environment, entry.id, env);
    } catch (err) {
      // resolveEndpoints names the offending variable itself; one bad global variable is one issue.
      const message = (err as Error).message;
      issues.set(message, { path: '', message });
      return undefined;
    }
    const endpoints = {
      oauthBase: entry.oauthBase ?? resolved.oauthBase,
      apiBase: entry.apiBase ?? resolved.apiBase,
      authorizeBase: entry.authorizeBase ?? resolved.authorizeBase,
    };
    return toConnection(entry, endpoints);
  });
  if (issues.size > 0) throw new ConfigError([...issues.values()]);
  return connections as Connection[];
}
