import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `base64url(JSON payload) + '.' + base64url(HMAC-SHA256(subKey, first part))`: the shape shared by
 * login-link tokens and session cookies. Verification is strict on purpose: only canonical base64url
 * is accepted, because Node's decoder ignores stray characters and the unused low bits of the last
 * character, so a lenient check would accept many spellings of one token.
 */

/** Far above any token we mint (~150 chars) and small enough that parsing costs nothing. */
export const MAX_TOKEN_LENGTH = 512;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 32;

export type VerifyResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' };

export function signToken(subKey: Buffer, payload: object): string {
  const payloadPart = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${payloadPart}.${mac(subKey, payloadPart).toString('base64url')}`;
}

export function verifyToken(subKey: Buffer, token: unknown): VerifyResult {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return MALFORMED;
  const parts = token.split('.');
  if (parts.length !== 2) return MALFORMED;
  const [payloadPart, macPart] = parts;
  const payloadBytes = decodeCanonical(payloadPart);
  const presented = decodeCanonical(macPart);
  if (!payloadBytes || !presented || presented.length !== MAC_BYTES) return MALFORMED;
  if (!timingSafeEqual(presented, mac(subKey, payloadPart))) return { ok: false, reason: 'bad_signature' };
  try {
    // Only reached with our own MAC, so this JSON is ours; the try is for a key shared by mistake.
    return { ok: true, payload: JSON.parse(payloadBytes.toString('utf8')) };
  } catch {
    return MALFORMED;
  }
}

/** Strict base64url: undefined for anything that would not re-encode to exactly the same text. */
export function decodeCanonical(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

const MALFORMED = { ok: false, reason: 'malformed' } as const;

function mac(subKey: Buffer, payloadPart: string): Buffer {
  return createHmac('sha256', subKey).update(payloadPart, 'ascii').digest();
}

/** A 128-bit random id as 32 lowercase hex characters (the shape of nonces and session ids). */
export const HEX_128 = /^[0-9a-f]{32}$/;

/** Payload fields are checked exactly: an unexpected key means the value was not minted by this code. */
export function hasExactKeys(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const actual = Object.keys(value);
  return actual.length === keys.length && keys.every((key) => actual.includes(key));
}

/** Expiry in epoch seconds; a value is valid strictly before it (at exactly `e` it has expired). */
export function isExpiry(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

export function isLive(expirySeconds: number, now: Date): boolean {
  return now.getTime() < expirySeconds * 1000;
}
