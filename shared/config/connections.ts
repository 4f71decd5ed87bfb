import { z } from 'zod';

import { ETRADE_ENVIRONMENTS, type EtradeEndpoints, type EtradeEnvironment } from '../etrade/endpoints';
import { baseUrl, calendarDateString, expected } from './fields';

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

/** One element of `ETRADE_CONNECTIONS`. Unknown fields are errors: a typo must not pass silently. */
export const connectionEntrySchema = z.strictObject(
  {
    id: z.string({ error: expected('a string') }).regex(CONNECTION_ID_PATTERN, {
      error: expected('lowercase letters, digits and "-", starting with a letter, at most 30 characters'),
    }),
    environment: z.enum(ETRADE_ENVIRONMENTS, {
      error: expected(ETRADE_ENVIRONMENTS.map((e) => `"${e}"`).join(' | ')),
    }),
    label: z
      .string({ error: expected('a string') })
      .trim()
      .min(1, { error: 'expected a non-empty label' })
      .max(LABEL_MAX_CHARS, { error: `expected at most ${LABEL_MAX_CHARS} characters` })
      .optional(),
    // Not echoed: someone may paste the consumer secret itself here by mistake.
    consumerSecretId: z
      .string({ error: expected('a string', { echo: false }) })
      .regex(SECRET_ID_PATTERN, {
        error: expected('a Secret Manager secret id (letters, digits, "-", "_", at most 255)', {
          echo: false,
        }),
      })
      .optional(),
    consumerKeyCreatedAt: calendarDateString.optional(),
    oauthBase: baseUrl.optional(),
    apiBase: baseUrl.optional(),
    authorizeBase: baseUrl.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field (known: ${CONNECTION_FIELDS.join(', ')})`
        : expected('an object')(issue),
  },
);

export type ConnectionEntry = z.output<typeof connectionEntrySchema>;

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
