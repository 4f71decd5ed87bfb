import { createHmac, timingSafeEqual } from 'node:crypto';

import { deriveKey } from './keys';

/**
 * CSRF tokens derived from the session id (no store): the page reads its token from the status
 * response and echoes it in a header that another site cannot set on a cross-site request. It backs
 * up SameSite=Strict for browsers or embedded webviews that do not enforce it.
 */

/** As Node presents it, header names are lower-case: look it up as `x-csrf-token`. */
export const CSRF_HEADER = 'X-CSRF-Token';

export function csrfTokenFor(key: string, sessionId: string): string {
  return csrfMac(key, sessionId).toString('base64url');
}

/** Constant time in the token's content; absent, repeated or wrong-length values are simply false. */
export function checkCsrf(
  key: string,
  sessionId: string,
  headerValue: string | readonly string[] | undefined,
): boolean {
  if (typeof headerValue !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(key, sessionId), 'ascii');
  const presented = Buffer.from(headerValue, 'utf8');
  // The length is public (always 43), so leaving early on it reveals nothing.
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function csrfMac(key: string, sessionId: string): Buffer {
  return createHmac('sha256', deriveKey(key, 'csrf-v1')).update(sessionId, 'utf8').digest();
}
