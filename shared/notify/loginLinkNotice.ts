import { newYorkClock } from '../alerts/newYorkText';
import type { Notice } from '../ports/notifier';
import type { TokenLedger } from '../ports/tokenLedger';
import { actionUntil } from './noticeActions';

/** A sign-in link on demand at most this often, from the page's button and the chat's /login alike. */
export const LOGIN_LINK_INTERVAL_MS = 60_000;

/** A sign-in link the trader asked for (POST /login-link, or /login in the Telegram chat). */
export function loginLinkNotice(now: Date): Notice {
  return {
    kind: 'login.link',
    title: 'Sign in to the E*TRADE token page',
    lines: [],
    action: { kind: 'signIn', until: actionUntil(now) },
  };
}

/**
 * One link per minute, whoever asks (the unauthenticated page button or the chat): a ledger marker per
 * minute slot. Refused: when the next slot opens.
 */
export async function claimLoginLinkSlot(
  ctx: { readonly ledger: Pick<TokenLedger, 'claimMarker'> },
  now: Date,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly nextAt: Date }> {
  const slot = Math.floor(now.getTime() / LOGIN_LINK_INTERVAL_MS);
  const expiresAt = new Date((slot + 2) * LOGIN_LINK_INTERVAL_MS);
  if (await ctx.ledger.claimMarker(`login-link-request:${slot}`, now, expiresAt)) return { ok: true };
  return { ok: false, nextAt: new Date((slot + 1) * LOGIN_LINK_INTERVAL_MS) };
}

/** /login again within the minute: the last link still works; when a new one may be asked for. */
export function loginLimitedNotice(nextAt: Date): Notice {
  return {
    kind: 'chat.loginLimited',
    title: 'A sign-in link went out less than a minute ago',
    lines: [`Use that one, or send /login again from ${newYorkClock(nextAt)} ET.`],
  };
}
