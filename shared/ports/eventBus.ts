/**
 * Notices for the trading system and operators. An event names what happened to which connection's
 * token, by generation and secret version: it never carries token material. The trading system
 * reloads the pair from the vault when it sees `token.renewed`.
 */
export const TOKEN_EVENT_TYPES = [
  'token.renewed', // a PIN exchange stored a new token (new generation, new secret version)
  'token.expired', // E*TRADE says the token is dead before its time, or midnight passed
  'token.revoked',
  'keepalive.failed', // the keep-alive failure streak reached the warning threshold
  'keepalive.recovered', // a keep-alive succeeded after a warned streak
] as const;
export type TokenEventType = (typeof TOKEN_EVENT_TYPES)[number];

export interface TokenEvent {
  readonly type: TokenEventType;
  readonly connectionId: string;
  readonly generation: number;
  readonly secretVersion?: string;
  /** ISO 8601 instant. */
  readonly expiresAt?: string;
  /** ISO 8601 instant the event happened. */
  readonly at: string;
}

export interface EventBus {
  /** Publishes one event; resolves to the bus's message id once the bus has accepted it. */
  publish(event: TokenEvent): Promise<string>;
}

export function isTokenEventType(value: unknown): value is TokenEventType {
  return typeof value === 'string' && (TOKEN_EVENT_TYPES as readonly string[]).includes(value);
}

const EVENT_FIELDS = ['type', 'connectionId', 'generation', 'secretVersion', 'expiresAt', 'at'] as const;

/**
 * The wire form of an event: only the known fields, so a caller that spreads a record holding a token
 * into an event cannot publish it.
 */
export function toWire(event: TokenEvent): Record<string, string | number> {
  const wire: Record<string, string | number> = {};
  for (const field of EVENT_FIELDS) {
    const value = event[field];
    if (value !== undefined) wire[field] = value;
  }
  return wire;
}

/** Parses and validates a received event (Pub/Sub data is untrusted JSON). Throws naming the field. */
export function parseTokenEvent(data: unknown): TokenEvent {
  if (typeof data !== 'object' || data === null) throw new TypeError('event must be a JSON object');
  const raw = data as Record<string, unknown>;
  if (!isTokenEventType(raw.type))
    throw new TypeError(`event.type must be one of ${TOKEN_EVENT_TYPES.join(', ')}`);
  if (typeof raw.connectionId !== 'string' || raw.connectionId === '') {
    throw new TypeError('event.connectionId must be a non-empty string');
  }
  if (!Number.isInteger(raw.generation) || (raw.generation as number) < 0) {
    throw new TypeError('event.generation must be a non-negative integer');
  }
  if (raw.secretVersion !== undefined && typeof raw.secretVersion !== 'string') {
    throw new TypeError('event.secretVersion must be a string');
  }
  if (raw.expiresAt !== undefined && !isIsoInstant(raw.expiresAt)) {
    throw new TypeError('event.expiresAt must be an ISO 8601 instant');
  }
  if (!isIsoInstant(raw.at)) throw new TypeError('event.at must be an ISO 8601 instant');
  return {
    type: raw.type,
    connectionId: raw.connectionId,
    generation: raw.generation as number,
    secretVersion: raw.secretVersion as string | undefined,
    expiresAt: raw.expiresAt as string | undefined,
    at: raw.at,
  };
}

/** `Date#toISOString()` form only: `Date.parse` alone would accept "March 2, 2026". */
function isIsoInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
