import { randomBytes } from 'node:crypto';

import type { Logger } from '../log';
import { AppError } from '../app/errors';
import type { TokenLedger } from '../ports/tokenLedger';
import { assertInstant } from '../time/calendarDate';
import { assertTtl, deriveKey } from './keys';
import { HEX_128, hasExactKeys, isExpiry, isLive, signToken, verifyToken } from './signedToken';

/**
 * Single-use login links for the Telegram message: whoever opens one gets a session on the token
 * page. Short-lived because the URL travels through a chat app; single-use (a ledger marker per
 * nonce) because it may be forwarded, previewed or left in a browser history.
 */

export const LOGIN_LINK_TTL_MS = 30 * 60_000;
export const LOGIN_PATH = '/login';
export const LOGIN_TOKEN_PARAM = 't';

/** Why a link was refused: logged for the operator, never shown (one answer denies an oracle). */
export type LoginLinkRefusal = 'malformed' | 'bad_signature' | 'bad_payload' | 'expired' | 'replayed';

export interface CreateLoginLinkInput {
  readonly key: string;
  /** The token page's public origin (and path), e.g. https://example.web.app */
  readonly pageUrl: string;
  readonly now: Date;
  readonly ttlMs?: number;
}

export function createLoginLink(input: CreateLoginLinkInput): { url: string; expiresAt: Date } {
  const { key, pageUrl, now, ttlMs = LOGIN_LINK_TTL_MS } = input;
  assertInstant(now, 'now');
  assertTtl(ttlMs, LOGIN_LINK_TTL_MS, 'ttlMs');
  const base = pageBase(pageUrl);
  const e = Math.floor((now.getTime() + ttlMs) / 1000);
  const token = signToken(deriveKey(key, 'link-v1'), { n: randomBytes(16).toString('hex'), e, v: 1 });
  return { url: `${base}${LOGIN_PATH}?${LOGIN_TOKEN_PARAM}=${token}`, expiresAt: new Date(e * 1000) };
}

export interface RedeemLoginLinkInput {
  readonly key: string;
  /** The `t` query parameter as received: untrusted, possibly absent or repeated. */
  readonly token: unknown;
  readonly now: Date;
  readonly ledger: Pick<TokenLedger, 'claimMarker'>;
  readonly log?: Logger;
}

/** Verifies and consumes a link. Every refusal is the same AppError; ledger failures propagate. */
export async function redeemLoginLink(input: RedeemLoginLinkInput): Promise<{ nonce: string }> {
  const { key, token, now, ledger, log } = input;
  assertInstant(now, 'now');
  const refuse = (reason: LoginLinkRefusal): never => {
    log?.warn('auth.login_link_refused', { reason });
    throw loginLinkInvalid();
  };

  const verified = verifyToken(deriveKey(key, 'link-v1'), token);
  if (!verified.ok) return refuse(verified.reason);
  const payload = verified.payload;
  if (!hasExactKeys(payload, ['n', 'e', 'v']) || payload.v !== 1) return refuse('bad_payload');
  const { n: nonce, e } = payload;
  if (typeof nonce !== 'string' || !HEX_128.test(nonce) || !isExpiry(e)) return refuse('bad_payload');
  if (!isLive(e, now)) return refuse('expired');
  // Checked last: only a genuine, live link may write a marker. The marker outlives the link by
  // nothing, which is enough, since an expired link is refused above.
  if (!(await ledger.claimMarker(`login-link:${nonce}`, now, new Date(e * 1000)))) return refuse('replayed');
  log?.info('auth.login_link_redeemed');
  return { nonce };
}

export function loginLinkInvalid(): AppError {
  return new AppError(
    'ERR_LOGIN_LINK_INVALID',
    'This login link is invalid, expired or already used. Ask for a new one.',
  );
}

function pageBase(pageUrl: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(pageUrl);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') ||
    parsed.search ||
    parsed.hash
  ) {
    throw new TypeError(
      `pageUrl must be an http(s) URL without query or fragment, got ${JSON.stringify(pageUrl)}`,
    );
  }
  return pageUrl.replace(/\/+$/, '');
}
