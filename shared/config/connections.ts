import { ETRADE_ENVIRONMENTS, type EtradeEndpoints, type EtradeEnvironment } from '../etrade/endpoints';
import { type Issues, type Path, baseUrl, calendarDateString, expected, matching } from './fields';

/** One E*TRADE login under one consumer key. */
export interface Connection {
  /** Names the connection everywhere: secrets, ledger documents, events, log lines. */
  readonly id: string;
  readonly environment: EtradeEnvironment;
  /** What the trader sees ("Live", "Sandbox", "IRA"). */
  readonly label: string;
  /** Secret Manager secret holding the consumer key and secret as JSON `{key, secret}`. */
  readonly consumerSecretId: string;
  /** `yyyy-MM-dd` the consumer key was issued, for the ~2-year lapse warning; unknown if absent. */
  readonly consumerKeyCreatedAt?: string;
  readonly endpoints: EtradeEndpoints;
}

/** Short enough for Secret Manager ids and Firestore document ids built from it, safe in URLs. */
export const CONNECTION_ID_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;
/** Secret Manager's own rule for secret ids. */
const SECRET_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const LABEL_MAX_CHARS = 60;

export function defaultConsumerSecretId(connectionId: string): string {
  return `etrade-oauth-${connectionId}-consumer`;
}

/** The connections every deployment has. `ETRADE_CONNECTIONS` can replace either by id, and add more. */
export const DEFAULT_CONNECTIONS: readonly Readonly<ConnectionEntry>[] = Object.freeze([
  Object.freeze({ id: 'prod', environment: 'prod', label: 'Live' }),
  Object.freeze({ id: 'sandbox', environment: 'sandbox', label: 'Sandbox' }),
]);

const CONNECTION_FIELDS = [
  'id',
  'environment',
  'label',
  'consumerSecretId',
  'consumerKeyCreatedAt',
  'oauthBase',
  'apiBase',
  'authorizeBase',
] as const;

/** One element of `ETRADE_CONNECTIONS`, validated. */
export interface ConnectionEntry {
  readonly id: string;
  readonly environment: EtradeEnvironment;
  readonly label?: string;
  readonly consumerSecretId?: string;
  readonly consumerKeyCreatedAt?: string;
  readonly oauthBase?: string;
  readonly apiBase?: string;
  readonly authorizeBase?: string;
}

const ENVIRONMENT_WORDS = ETRADE_ENVIRONMENTS.map((e) => `"${e}"`).join(' | ');

/**
 * One element of `ETRADE_CONNECTIONS` at `path`, or undefined after recording its issues. Unknown
 * fields are errors (a typo must not pass silently), named without their values.
 */
export function readConnectionEntry(issues: Issues, path: Path, raw: unknown): ConnectionEntry | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return issues.add(path, expected('an object')(raw));
  }
  const fields = raw as Record<string, unknown>;
  const before = issues.list.length;
  const at = (field: string) => [...path, field];
  const id =
    typeof fields.id === 'string'
      ? matching(
          issues,
          at('id'),
          fields.id,
          CONNECTION_ID_PATTERN,
          'lowercase letters, digits and "-", starting with a letter, at most 30 characters',
        )
      : issues.add(at('id'), expected('a string')(fields.id));
  const environment = (ETRADE_ENVIRONMENTS as readonly unknown[]).includes(fields.environment)
    ? (fields.environment as EtradeEnvironment)
    : issues.add(at('environment'), expected(ENVIRONMENT_WORDS)(fields.environment));
  const entry: Record<string, string | undefined> = { id, environment };
  if (fields.label !== undefined) entry.label = label(issues, at('label'), fields.label);
  if (fields.consumerSecretId !== undefined) {
    // Not echoed: someone may paste the consumer secret itself here by mistake.
    entry.consumerSecretId =
      typeof fields.consumerSecretId === 'string'
        ? matching(
            issues,
            at('consumerSecretId'),
            fields.consumerSecretId,
            SECRET_ID_PATTERN,
            'a Secret Manager secret id (letters, digits, "-", "_", at most 255)',
            { echo: false },
          )
        : issues.add(at('consumerSecretId'), expected('a string', { echo: false })(fields.consumerSecretId));
  }
  if (fields.consumerKeyCreatedAt !== undefined) {
    entry.consumerKeyCreatedAt = calendarDateString(
      issues,
      at('consumerKeyCreatedAt'),
      fields.consumerKeyCreatedAt,
    );
  }
  for (const field of ['oauthBase', 'apiBase', 'authorizeBase'] as const) {
    if (fields[field] !== undefined) entry[field] = baseUrl(issues, at(field), fields[field]);
  }
  for (const key of Object.keys(fields)) {
    if (!(CONNECTION_FIELDS as readonly string[]).includes(key)) {
      issues.add(at(key), `unknown field (known: ${CONNECTION_FIELDS.join(', ')})`);
    }
  }
  return issues.list.length === before ? (entry as unknown as ConnectionEntry) : undefined;
}

/** Trimmed, 1 to LABEL_MAX_CHARS characters. */
function label(issues: Issues, path: Path, value: unknown): string | undefined {
  if (typeof value !== 'string') return issues.add(path, expected('a string')(value));
  const trimmed = value.trim();
  if (trimmed.length < 1) return issues.add(path, 'expected a non-empty label');
  if (trimmed.length > LABEL_MAX_CHARS)
    return issues.add(path, `expected at most ${LABEL_MAX_CHARS} characters`);
  return trimmed;
}

/** Ids must be unique within the list; returns each repeat with the index of its first use. */
export function duplicateIds(entries: readonly { id: string }[]): { index: number; firstIndex: number }[] {
  const first = new Map<string, number>();
  const duplicates: { index: number; firstIndex: number }[] = [];
  entries.forEach(({ id }, index) => {
    const firstIndex = first.get(id);
    if (firstIndex === undefined) first.set(id, index);
    else duplicates.push({ index, firstIndex });
  });
  return duplicates;
}

/**
 * The defaults with the configured entries applied: an entry whose id is a default's replaces it in
 * place (to set its key date or endpoints), any other id is appended in list order.
 */
export function mergeConnectionEntries(configured: readonly ConnectionEntry[]): ConnectionEntry[] {
  const merged = DEFAULT_CONNECTIONS.map((fallback) => {
    const entry = configured.find((e) => e.id === fallback.id);
    if (!entry) return fallback;
    // The default label only while it still describes the connection.
    const sameEnvironment = entry.environment === fallback.environment;
    return { ...entry, label: entry.label ?? (sameEnvironment ? fallback.label : undefined) };
  });
  const defaultIds = new Set(DEFAULT_CONNECTIONS.map((c) => c.id));
  return [...merged, ...configured.filter((e) => !defaultIds.has(e.id))];
}

/** Fills the optional fields; `endpoints` are resolved by the caller (they depend on env overrides). */
export function toConnection(entry: ConnectionEntry, endpoints: EtradeEndpoints): Connection {
  return Object.freeze({
    id: entry.id,
    environment: entry.environment,
    label: entry.label ?? entry.id,
    consumerSecretId: entry.consumerSecretId ?? defaultConsumerSecretId(entry.id),
    ...(entry.consumerKeyCreatedAt !== undefined ? { consumerKeyCreatedAt: entry.consumerKeyCreatedAt } : {}),
    endpoints: Object.freeze({ ...endpoints }),
  });
}
