import { randomBytes } from 'node:crypto';

import type { Logger } from '../log';
import { assertInstant } from '../time/calendarDate';
import { findCookie } from './cookieHeader';
import { csrfTokenFor } from './csrf';
import { assertTtl, deriveKey } from './keys';
import { HEX_128, hasExactKeys, isExpiry, isLive, signToken, verifyToken } from './signedToken';

/**
 * Stateless sessions: the cookie carries `{ s: sessionId, e: expiry }` under a MAC, so reading one
 * needs no store. The price is that a session cannot be revoked before it expires except by rotating
 * the login-link key (which ends every session and link at once); hence the 12-hour cap.
 */

export const SESSION_TTL_MS = 12 * 60 * 60_000;

/**
 * `__Host-` makes the browser refuse the cookie unless it is Secure, Path=/ and has no Domain, so a
 * sibling subdomain or a plain-http page cannot plant or overwrite it.
 */
export const SESSION_COOKIE = '__Host-etrade_session';

/**
 * The cookie for the local system on http://127.0.0.1 or http://localhost only. Browsers disagree on
 * loopback: Chromium accepts Secure cookies there but still rejects the `__Host-` prefix over http,
 * and Safari honours neither (see shared/auth/README.md). So local mode drops both, under its own name
 * and its own sub-key: a cookie that travelled over plain http never verifies as a production one.
 */
export const LOCAL_SESSION_COOKIE = 'etrade_session_local';

export interface CookieMode {
  /** Only the local system passes this, and only for a loopback http page (isLoopbackHttpPage). */
  readonly insecureLocal?: boolean;
}

export interface IssuedSession {
  readonly sessionId: string;
  /** The full Set-Cookie header value. */
  readonly cookie: string;
  readonly expiresAt: Date;
  readonly csrfToken: string;
}

export function issueSession(input: { key: string; now: Date; ttlMs?: number } & CookieMode): IssuedSession {
  const { key, now, ttlMs = SESSION_TTL_MS } = input;
  assertInstant(now, 'now');
  assertTtl(ttlMs, SESSION_TTL_MS, 'ttlMs');
  const sessionId = randomBytes(16).toString('hex');
  const e = Math.floor((now.getTime() + ttlMs) / 1000);
  const value = signToken(sessionKey(key, input), { s: sessionId, e });
  // Max-Age, not the server expiry, bounds the browser copy; both come from the same ttl.
  const cookie = setCookie(input, value, Math.floor(ttlMs / 1000));
  return { sessionId, cookie, expiresAt: new Date(e * 1000), csrfToken: csrfTokenFor(key, sessionId) };
}

export interface ReadSessionInput extends CookieMode {
  readonly key: string;
  readonly cookieHeader: string | readonly string[] | undefined;
  readonly now: Date;
  readonly log?: Logger;
}

/** The session the request carries, or undefined (absent, duplicated, forged or expired). */
export function readSession(input: ReadSessionInput): { sessionId: string; expiresAt: Date } | undefined {
  const { key, cookieHeader, now, log } = input;
  assertInstant(now, 'now');
  const subKey = sessionKey(key, input);
  const lookup = findCookie(cookieHeader, cookieName(input));
  if (lookup.found === 'none') return undefined;
  const refuse = (reason: string): undefined => {
    log?.warn('auth.session_refused', { reason });
    return undefined;
  };
  if (lookup.found === 'refused') return refuse(lookup.reason);
  const verified = verifyToken(subKey, lookup.value);
  if (!verified.ok) return refuse(verified.reason);
  const payload = verified.payload;
  if (!hasExactKeys(payload, ['s', 'e'])) return refuse('bad_payload');
  const { s: sessionId, e } = payload;
  if (typeof sessionId !== 'string' || !HEX_128.test(sessionId) || !isExpiry(e)) return refuse('bad_payload');
  if (!isLive(e, now)) return refuse('expired');
  return { sessionId, expiresAt: new Date(e * 1000) };
}

/** A Set-Cookie value that makes the browser drop the session (same name and attributes, Max-Age=0). */
export function clearSessionCookie(mode: CookieMode = {}): string {
  return setCookie(mode, '', 0);
}

/** True only for http://localhost, http://*.localhost, http://127.x.x.x and http://[::1] pages. */
export function isLoopbackHttpPage(pageUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return false;
  }
  const host = url.hostname;
  const loopback =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(host);
  return url.protocol === 'http:' && loopback;
}

function cookieName(mode: CookieMode): string {
  return mode.insecureLocal ? LOCAL_SESSION_COOKIE : SESSION_COOKIE;
}

function sessionKey(key: string, mode: CookieMode): Buffer {
  return deriveKey(key, mode.insecureLocal ? 'session-local-v1' : 'session-v1');
}

function setCookie(mode: CookieMode, value: string, maxAgeSeconds: number): string {
  // HttpOnly: page scripts never need the cookie (they get the CSRF token from the status response).
  // SameSite=Strict: no other site can make the browser send it.
  const secure = mode.insecureLocal ? '' : ' Secure;';
  return `${cookieName(mode)}=${value}; HttpOnly;${secure} SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
}
