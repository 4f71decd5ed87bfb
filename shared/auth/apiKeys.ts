import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys for machine clients (the trading system). The store keeps only sha256(apiKey): a leaked
 * secret store or log does not hand out the key, and a 256-bit random key needs no slow hash.
 */

export const API_KEY_PREFIX = 'eto_';

/** RFC 6750 b64token, bounded; a real key is 47 characters. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_API_KEY_LENGTH = 512;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * A new key and the hash to store under SECRET_IDS.apiKeyHash. The prefix lets secret scanners and
 * people recognise a leaked key.
 */
export function generateApiKey(): { apiKey: string; hash: string } {
  const apiKey = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { apiKey, hash: sha256(apiKey).toString('hex') };
}

/**
 * The key presented as `Bearer <key>`, or undefined when the header is absent, repeated or not a
 * bearer credential. The scheme is case-insensitive and may be followed by several spaces (RFC 9110
 * §11.1, RFC 6750 §2.1); the key itself must be a b64token, so tabs or non-ASCII never reach the hash.
 */
export function bearerToken(authorizationHeader: string | readonly string[] | undefined): string | undefined {
  if (typeof authorizationHeader !== 'string' || authorizationHeader.length > MAX_API_KEY_LENGTH + 16) {
    return undefined;
  }
  const match = /^ *Bearer +(\S+) *$/i.exec(authorizationHeader);
  const token = match?.[1];
  return token !== undefined && token.length <= MAX_API_KEY_LENGTH && B64TOKEN.test(token)
    ? token
    : undefined;
}

/** Never throws: a malformed stored hash (a deployment fault loadAuthKeys reports) matches nothing. */
export function checkApiKey(
  authorizationHeader: string | readonly string[] | undefined,
  storedHashHex: string | undefined,
): boolean {
  const apiKey = bearerToken(authorizationHeader);
  if (apiKey === undefined || storedHashHex === undefined || !SHA256_HEX.test(storedHashHex)) return false;
  // Both sides are 32-byte digests, so the comparison time does not depend on the presented key.
  return timingSafeEqual(sha256(apiKey), Buffer.from(storedHashHex, 'hex'));
}

export function isApiKeyHash(value: string): boolean {
  return SHA256_HEX.test(value);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
