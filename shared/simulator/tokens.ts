import { randomBytes, randomInt } from 'node:crypto';
import { nextNewYorkMidnight } from '../time/newYork';

export const REQUEST_TOKEN_LIFETIME_MS = 5 * 60_000;
/** E*TRADE: an access token goes inactive after two hours without a call. */
export const IDLE_AFTER_MS = 2 * 60 * 60_000;

export interface RequestTokenRecord {
  kind: 'request';
  token: string;
  secret: string;
  consumerKey: string;
  issuedAt: number;
  /** Set when the user logs in on the authorize page; the PIN they copy. */
  verifier?: string;
  /** Request tokens are single use: exchanged once, then dead. */
  used: boolean;
}

export interface AccessTokenRecord {
  kind: 'access';
  token: string;
  secret: string;
  consumerKey: string;
  issuedAt: number;
  expiresAt: number;
  lastActivity: number;
  revoked: boolean;
}

export type TokenRecord = RequestTokenRecord | AccessTokenRecord;
export type AccessTokenState = 'active' | 'idle' | 'expired' | 'revoked';
export type RequestTokenState = 'live' | 'expired' | 'used';

/**
 * Base64 of 32 random bytes (so it ends with `=`), redrawn until it holds both `+` and `/`: every
 * credential forces the client to percent-encode correctly in headers, URLs and signing keys.
 */
export function randomCredential(): string {
  for (;;) {
    const value = randomBytes(32).toString('base64');
    if (value.includes('+') && value.includes('/')) return value;
  }
}

const PIN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The 5-character verifier E*TRADE shows after login, e.g. `H92GX`. */
export function randomVerifier(): string {
  let pin = '';
  for (let i = 0; i < 5; i++) pin += PIN_ALPHABET[randomInt(PIN_ALPHABET.length)];
  return pin;
}

/** All tokens ever issued, kept after death so a dead token is reported as dead, not unknown. */
export class TokenStore {
  private readonly byToken = new Map<string, TokenRecord>();

  constructor(private readonly clock: () => number) {}

  find(token: string): TokenRecord | undefined {
    return this.byToken.get(token);
  }

  issueRequestToken(consumerKey: string): RequestTokenRecord {
    const record: RequestTokenRecord = {
      kind: 'request',
      ...this.freshPair(),
      consumerKey,
      issuedAt: this.clock(),
      used: false,
    };
    this.byToken.set(record.token, record);
    return record;
  }

  issueAccessToken(consumerKey: string): AccessTokenRecord {
    const now = this.clock();
    const record: AccessTokenRecord = {
      kind: 'access',
      ...this.freshPair(),
      consumerKey,
      issuedAt: now,
      expiresAt: nextNewYorkMidnight(now).getTime(),
      lastActivity: now,
      revoked: false,
    };
    this.byToken.set(record.token, record);
    return record;
  }

  requestState(record: RequestTokenRecord): RequestTokenState {
    if (record.used) return 'used';
    return this.clock() - record.issuedAt >= REQUEST_TOKEN_LIFETIME_MS ? 'expired' : 'live';
  }

  /** Revoked beats expired beats idle: the order E*TRADE's answers imply. */
  accessState(record: AccessTokenRecord): AccessTokenState {
    const now = this.clock();
    if (record.revoked) return 'revoked';
    if (now >= record.expiresAt) return 'expired';
    return now - record.lastActivity >= IDLE_AFTER_MS ? 'idle' : 'active';
  }

  /** The login click: one PIN per request token, so a double-submitted form shows the same PIN. */
  approve(record: RequestTokenRecord): string {
    record.verifier ??= randomVerifier();
    return record.verifier;
  }

  private freshPair(): { token: string; secret: string } {
    let token = randomCredential();
    while (this.byToken.has(token)) token = randomCredential();
    return { token, secret: randomCredential() };
  }
}
