import { createHmac } from 'node:crypto';

/**
 * One configured secret (the login-link key) signs several kinds of value. Each kind gets its own
 * sub-key, so a value minted for one purpose can never verify as another: a login-link token pasted
 * into a cookie, a session cookie pasted into a link, or a sign-in link presented as a chat's renew
 * button (or the reverse) fails its MAC before its payload is read.
 */
export const KEY_PURPOSES = ['link-v1', 'session-v1', 'session-local-v1', 'csrf-v1', 'renew-v1'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** 32 characters of a random key (e.g. 32 bytes as base64url, 43 chars) leave no room for guessing. */
export const MIN_KEY_LENGTH = 32;

/** The message names the argument, never its value: the value is the secret. */
export function assertSigningKey(key: unknown, name: string): asserts key is string {
  if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH) {
    throw new TypeError(`${name} must be a string of at least ${MIN_KEY_LENGTH} characters`);
  }
}

export function deriveKey(key: string, purpose: KeyPurpose): Buffer {
  assertSigningKey(key, 'loginLinkKey');
  return createHmac('sha256', key).update(purpose).digest();
}

/** Lifetimes are whole seconds (the token's `e` and the cookie's Max-Age are), capped per use. */
export function assertTtl(ttlMs: unknown, maxMs: number, name: string): asserts ttlMs is number {
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1000 || ttlMs > maxMs) {
    throw new RangeError(`${name} must be an integer number of ms from 1000 to ${maxMs}, got ${ttlMs}`);
  }
}
