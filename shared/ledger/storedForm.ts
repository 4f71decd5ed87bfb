import {
  type ChatAlert,
  KEEP_ALIVE_OUTCOMES,
  type KeepAliveHealth,
  type KeepAliveOutcome,
  type PendingFlow,
  type RenewalEntry,
  type TokenRecord,
} from '../ports/tokenLedger';

/**
 * The stored shape of ledger values, shared by every adapter so only the spelling of an instant
 * differs (a Firestore Timestamp, an ISO string in a JSON file). Encoding drops undefined fields,
 * which Firestore rejects; decoding checks every field, so a corrupt store fails loudly, naming the
 * field, instead of feeding NaN into the transitions.
 */
export interface InstantCodec<S> {
  encode(at: Date): S;
  /** Throws a TypeError naming `field` when `value` is not a stored instant. */
  decode(value: unknown, field: string): Date;
}

export type StoredFields = Record<string, unknown>;

export function encodeRecord<S>(record: TokenRecord, instants: InstantCodec<S>): StoredFields {
  const at = optionalInstant(instants);
  return compact({
    connectionId: record.connectionId,
    generation: record.generation,
    secretVersion: record.secretVersion,
    issuedAt: at(record.issuedAt),
    expiresAt: at(record.expiresAt),
    lastUsedAt: at(record.lastUsedAt),
    lastRenewedAt: at(record.lastRenewedAt),
    revokedAt: at(record.revokedAt),
    diedAt: at(record.diedAt),
    keepAlive: compact({
      lastRunAt: at(record.keepAlive.lastRunAt),
      lastOutcome: record.keepAlive.lastOutcome,
      lastErrorCode: record.keepAlive.lastErrorCode,
      lastSuccessAt: at(record.keepAlive.lastSuccessAt),
      failureStreak: record.keepAlive.failureStreak,
    }),
    history: record.history.map((entry) => ({
      generation: entry.generation,
      secretVersion: entry.secretVersion,
      issuedAt: instants.encode(entry.issuedAt),
    })),
  });
}

export function decodeRecord<S>(raw: unknown, instants: InstantCodec<S>, where: string): TokenRecord {
  const r = new Fields(raw, where, instants);
  const keepAlive = new Fields(r.value('keepAlive'), `${where}.keepAlive`, instants);
  const history = r.value('history');
  if (!Array.isArray(history)) throw new TypeError(`${where}.history must be an array`);
  return omitUndefined({
    connectionId: r.string('connectionId'),
    generation: r.count('generation'),
    secretVersion: r.optionalString('secretVersion'),
    issuedAt: r.optionalInstant('issuedAt'),
    expiresAt: r.optionalInstant('expiresAt'),
    lastUsedAt: r.optionalInstant('lastUsedAt'),
    lastRenewedAt: r.optionalInstant('lastRenewedAt'),
    revokedAt: r.optionalInstant('revokedAt'),
    diedAt: r.optionalInstant('diedAt'),
    keepAlive: omitUndefined<KeepAliveHealth>({
      lastRunAt: keepAlive.optionalInstant('lastRunAt'),
      lastOutcome: keepAlive.optionalOutcome('lastOutcome'),
      lastErrorCode: keepAlive.optionalString('lastErrorCode'),
      lastSuccessAt: keepAlive.optionalInstant('lastSuccessAt'),
      failureStreak: keepAlive.count('failureStreak'),
    }),
    history: history.map((entry, i): RenewalEntry => {
      const e = new Fields(entry, `${where}.history[${i}]`, instants);
      return {
        generation: e.count('generation'),
        secretVersion: e.string('secretVersion'),
        issuedAt: e.instant('issuedAt'),
      };
    }),
  });
}

export function encodeFlow<S>(flow: PendingFlow, instants: InstantCodec<S>): StoredFields {
  return {
    id: flow.id,
    connectionId: flow.connectionId,
    requestToken: flow.requestToken,
    requestSecret: flow.requestSecret,
    ownerSession: flow.ownerSession,
    createdAt: instants.encode(flow.createdAt),
    expiresAt: instants.encode(flow.expiresAt),
    attempts: flow.attempts,
  };
}

export function decodeFlow<S>(raw: unknown, instants: InstantCodec<S>, where: string): PendingFlow {
  const f = new Fields(raw, where, instants);
  return {
    id: f.string('id'),
    connectionId: f.string('connectionId'),
    requestToken: f.string('requestToken'),
    requestSecret: f.string('requestSecret'),
    ownerSession: f.string('ownerSession'),
    createdAt: f.instant('createdAt'),
    expiresAt: f.instant('expiresAt'),
    attempts: f.count('attempts'),
  };
}

export function encodeChatAlert<S>(alert: ChatAlert, instants: InstantCodec<S>): StoredFields {
  return {
    chatId: alert.chatId,
    messageId: alert.messageId,
    connectionIds: [...alert.connectionIds],
    notice: alert.notice,
    sentAt: instants.encode(alert.sentAt),
    expiresAt: instants.encode(alert.expiresAt),
  };
}

export function decodeChatAlert<S>(raw: unknown, instants: InstantCodec<S>, where: string): ChatAlert {
  const a = new Fields(raw, where, instants);
  const ids = a.value('connectionIds');
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new TypeError(`${where}.connectionIds must be an array of strings`);
  }
  return {
    chatId: a.string('chatId'),
    messageId: a.count('messageId'),
    connectionIds: ids as string[],
    notice: a.string('notice'),
    sentAt: a.instant('sentAt'),
    expiresAt: a.instant('expiresAt'),
  };
}

/** Field readers for one stored object; every message names the full path of the bad field. */
class Fields<S> {
  private readonly data: Record<string, unknown>;

  constructor(
    raw: unknown,
    private readonly where: string,
    private readonly instants: InstantCodec<S>,
  ) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new TypeError(`${where} must be an object`);
    }
    this.data = raw as Record<string, unknown>;
  }

  value(key: string): unknown {
    return this.data[key];
  }

  string(key: string): string {
    const value = this.data[key];
    if (typeof value !== 'string') throw new TypeError(`${this.where}.${key} must be a string`);
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.data[key] === undefined ? undefined : this.string(key);
  }

  count(key: string): number {
    const value = this.data[key];
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new TypeError(`${this.where}.${key} must be a non-negative integer`);
    }
    return value as number;
  }

  instant(key: string): Date {
    return this.instants.decode(this.data[key], `${this.where}.${key}`);
  }

  optionalInstant(key: string): Date | undefined {
    return this.data[key] === undefined ? undefined : this.instant(key);
  }

  optionalOutcome(key: string): KeepAliveOutcome | undefined {
    const value = this.optionalString(key);
    if (value !== undefined && !(KEEP_ALIVE_OUTCOMES as readonly string[]).includes(value)) {
      throw new TypeError(`${this.where}.${key} must be a keep-alive outcome, got ${value}`);
    }
    return value as KeepAliveOutcome | undefined;
  }
}

function optionalInstant<S>(instants: InstantCodec<S>): (at: Date | undefined) => S | undefined {
  return (at) => (at === undefined ? undefined : instants.encode(at));
}

/** Firestore rejects undefined values; a JSON file would drop them anyway. */
function compact(fields: StoredFields): StoredFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** Decoded records carry no `undefined` keys, so they compare equal to freshly built ones. */
function omitUndefined<T extends object>(value: T): T {
  return compact(value as StoredFields) as T;
}
