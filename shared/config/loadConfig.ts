import { z } from 'zod';

import { resolveEndpoints } from '../etrade/endpoints';
import { NEW_YORK } from '../time/newYork';
import { type ChannelConfig, channelSettings, switchSetting, toChannelConfig } from './channels';
import { type ConfigIssue, ConfigError, formatPath } from './configError';
import {
  type Connection,
  type ConnectionEntry,
  connectionEntrySchema,
  duplicateIds,
  mergeConnectionEntries,
  toConnection,
} from './connections';
import { expected, integerSetting } from './fields';

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
  /** Firestore, Secret Manager and Pub/Sub adapters instead of the local ones. */
  readonly useGcp: boolean;
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

const projectId = z.string().regex(PROJECT_ID_PATTERN, { error: expected('a Google Cloud project id') });

/** `ETRADE_CONNECTIONS` holds JSON text; a parse failure is reported like any other field issue. */
const connectionList = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      // Only the position: the parser's message quotes the text, which should not reach a log.
      const at = /at position \d+/.exec((err as Error).message);
      ctx.addIssue({ code: 'custom', message: `invalid JSON${at ? ` (${at[0]})` : ''}` });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(connectionEntrySchema, { error: expected('a JSON array of connections') })
      .superRefine((entries, ctx) => {
        for (const { index, firstIndex } of duplicateIds(entries)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `duplicate id ${JSON.stringify(entries[index].id)} (also ETRADE_CONNECTIONS[${firstIndex}])`,
          });
        }
      }),
  );

/** The variables this app reads; every other variable in the environment is ignored. */
const envSchema = z.object({
  ETRADE_CONNECTIONS: connectionList.optional(),
  KEEPALIVE_LEAD_MINUTES: integerSetting(1, 119).default(DEFAULT_KEEPALIVE_LEAD_MINUTES),
  STATUS_MAX_AGE_MS: integerSetting(0, MAX_STATUS_MAX_AGE_MS).optional(),
  GOOGLE_CLOUD_PROJECT: projectId.optional(),
  GCLOUD_PROJECT: projectId.optional(),
  TOKEN_EVENTS_TOPIC: z
    .string()
    .regex(TOPIC_ID_PATTERN, { error: expected('a Pub/Sub topic id') })
    .default(DEFAULT_TOKEN_EVENTS_TOPIC),
  USE_GCP: switchSetting(),
  ...channelSettings,
});

/**
 * Reads and validates the whole configuration once, at start-up. Throws a ConfigError listing every
 * issue, each naming its variable and path; never returns a half-valid config.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  const issues: ConfigIssue[] = parsed.success ? [] : parsed.error.issues.flatMap(toConfigIssues);
  // Checked on the raw values so it is reported even when other fields are broken too.
  if ((env.USE_GCP === '1' || env.USE_GCP === 'true') && !env.GOOGLE_CLOUD_PROJECT && !env.GCLOUD_PROJECT) {
    issues.push({
      path: 'GOOGLE_CLOUD_PROJECT',
      message: 'required when USE_GCP is on (GCLOUD_PROJECT is also accepted)',
    });
  }
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);

  const settings = parsed.data;
  const connections = resolveConnections(mergeConnectionEntries(settings.ETRADE_CONNECTIONS ?? []), env);
  const gcpProjectId = settings.GOOGLE_CLOUD_PROJECT ?? settings.GCLOUD_PROJECT;
  return Object.freeze({
    connections: Object.freeze(connections),
    keepAliveLeadMinutes: settings.KEEPALIVE_LEAD_MINUTES,
    statusMaxAgeMs: settings.STATUS_MAX_AGE_MS ?? (settings.USE_GCP ? DEFAULT_STATUS_MAX_AGE_MS : 0),
    timeZone: NEW_YORK,
    ...(gcpProjectId !== undefined ? { gcpProjectId } : {}),
    tokenEventsTopic: settings.TOKEN_EVENTS_TOPIC,
    useGcp: settings.USE_GCP,
    ...toChannelConfig(settings),
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

/** One issue per unknown key, so each reads `ETRADE_CONNECTIONS[0].enviroment: unknown field …`. */
function toConfigIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: issue.message }));
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}
