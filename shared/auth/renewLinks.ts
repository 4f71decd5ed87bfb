import { randomBytes } from 'node:crypto';

import { AppError } from '../app/errors';
import type { Logger } from '../log';
import type { TokenLedger } from '../ports/tokenLedger';
import { assertInstant } from '../time/calendarDate';
import { assertTtl, deriveKey } from './keys';
import { HEX_128, hasExactKeys, isExpiry, isLive, signToken, verifyToken } from './signedToken';

/**
 * The "Log in to E*TRADE (Live)" button of a chat alert: a signed, single-use link that starts the PIN
 * flow for one connection when it is tapped (E*TRADE's 5-minute window must not start before the
 * trader is there) and sends the browser on to E*TRADE's authorize page. The flow belongs to the chat
 * the link was made for, so the code is pasted back into that chat. Same discipline as the sign-in
 * links (loginLinks.ts): its own derived sub-key, at most 30 minutes, one ledger marker per nonce, one
 * answer for every refusal.
 */

export const RENEW_LINK_TTL_MS = 30 * 60_000;
export const RENEW_PATH = '/renew';
export const RENEW_TOKEN_PARAM = 't';

/** Why a button was refused: logged for the operator, never shown. */
export type RenewLinkRefusal =
  'malformed' | 'bad_signature' | 'bad_payload' | 'expired' | 'other_chat' | 'replayed';

export interface CreateRenewLinkInput {
  readonly key: string;
  /** The public origin the route is served from (the token page's, through Hosting's rewrite). */
  readonly pageUrl: string;
  /** The one chat the flow will belong to (TELEGRAM_CHAT_ID). */
  readonly chatId: string;
  readonly connectionId: string;
  readonly now: Date;
  readonly ttlMs?: number;
}

export function createRenewLink(input: CreateRenewLinkInput): { url: string; expiresAt: Date } {
  const { key, pageUrl, chatId, connectionId, now, ttlMs = RENEW_LINK_TTL_MS } = input;
  assertInstant(now, 'now');
  assertTtl(ttlMs, RENEW_LINK_TTL_MS, 'ttlMs');
  if (typeof chatId !== 'string' || chatId === '') throw new TypeError('chatId must be a non-empty string');
  if (typeof connectionId !== 'string' || connectionId === '') {
    throw new TypeError('connectionId must be a non-empty string');
  }
  const e = Math.floor((now.getTime() + ttlMs) / 1000);
  const payload = { n: randomBytes(16).toString('hex'), e, c: connectionId, h: chatId, v: 1 };
  const token = signToken(deriveKey(key, 'renew-v1'), payload);
  return {
    url: `${origin(pageUrl)}${RENEW_PATH}?${RENEW_TOKEN_PARAM}=${token}`,
    expiresAt: new Date(e * 1000),
  };
}

export interface RedeemRenewLinkInput {
  readonly key: string;
  /** The `t` query parameter as received: untrusted, possibly absent. */
  readonly token: unknown;
  /** The chat configured now: a link made for another chat (an old configuration) is refused. */
  readonly chatId: string | undefined;
  readonly now: Date;
  readonly ledger: Pick<TokenLedger, 'claimMarker' | 'releaseMarker'>;
  readonly log?: Logger;
}

/** A redeemed button: its connection and chat, and a way to give the single use back. */
export interface RedeemedRenewLink {
  readonly connectionId: string;
  readonly chatId: string;
  /**
   * Gives the button back when the flow could not be started (E*TRADE or the store failed): the
   * trader may tap it again. Only this redemption's claim is released.
   */
  release(): Promise<void>;
}

/**
 * Verifies and consumes a button. The marker claim is last, and a transaction: of two taps at once,
 * exactly one gets through. Every refusal is the same AppError; ledger failures propagate.
 */
export async function redeemRenewLink(input: RedeemRenewLinkInput): Promise<RedeemedRenewLink> {
  const { key, token, chatId, now, ledger, log } = input;
  assertInstant(now, 'now');
  const refuse = (reason: RenewLinkRefusal): never => {
    log?.warn('auth.renew_link_refused', { reason });
    throw renewLinkInvalid();
  };
  const verified = verifyToken(deriveKey(key, 'renew-v1'), token);
  if (!verified.ok) return refuse(verified.reason);
  const payload = verified.payload;
  if (!hasExactKeys(payload, ['n', 'e', 'c', 'h', 'v']) || payload.v !== 1) return refuse('bad_payload');
  const { n: nonce, e, c: connectionId, h: linkChat } = payload;
  if (
    typeof nonce !== 'string' ||
    !HEX_128.test(nonce) ||
    !isExpiry(e) ||
    typeof connectionId !== 'string' ||
    typeof linkChat !== 'string'
  ) {
    return refuse('bad_payload');
  }
  if (!isLive(e, now)) return refuse('expired');
  if (chatId === undefined || linkChat !== chatId) return refuse('other_chat');
  const marker = `renew-link:${nonce}`;
  const holder = randomBytes(16).toString('hex');
  if (!(await ledger.claimMarker(marker, now, new Date(e * 1000), holder))) return refuse('replayed');
  log?.info('auth.renew_link_redeemed', { connection: connectionId });
  return {
    connectionId,
    chatId: linkChat,
    release: async () => {
      await ledger.releaseMarker(marker, holder);
    },
  };
}

export function renewLinkInvalid(): AppError {
  return new AppError(
    'ERR_RENEW_LINK_INVALID',
    'This button is invalid, expired or already used. Send /renew in the chat for a new one.',
  );
}

function origin(pageUrl: string): string {
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

/** The owner of the PIN flows a chat's buttons start: only that chat's messages may finish them. */
export function chatFlowOwner(chatId: string): string {
  return `telegram:${chatId}`;
}
