import type { AppContext } from '../app/context';
import type { Connection } from '../config';
import { recordFacts, tokenTimeline, type TokenTimeline } from '../lifecycle';
import type { RenewTarget } from '../ports/notifier';
import type { TokenRecord } from '../ports/tokenLedger';
import { newYorkDate } from '../time/newYork';

/** One connection's token as the morning notices and the chat's /renew see it. */
export interface ConnectionToken {
  readonly connection: Connection;
  readonly record: TokenRecord;
  readonly timeline: TokenTimeline;
  /** Issued on `now`'s New York date and still live: nothing to log in for today. */
  readonly renewedToday: boolean;
}

/** Every configured connection's token at `now`, in configuration order (one ledger read). */
export async function connectionTokens(
  ctx: Pick<AppContext, 'config' | 'ledger'>,
  now: Date,
): Promise<ConnectionToken[]> {
  const connections = ctx.config.connections;
  const records = await ctx.ledger.getMany(connections.map((connection) => connection.id));
  const nyDate = newYorkDate(now);
  return connections.map((connection, i) => {
    const record = records[i];
    const timeline = tokenTimeline(recordFacts(record), now, {
      keepAliveLeadMs: ctx.config.keepAliveLeadMinutes * 60_000,
    });
    const renewedToday =
      isLive(timeline) && record.issuedAt !== undefined && newYorkDate(record.issuedAt) === nyDate;
    return { connection, record, timeline, renewedToday };
  });
}

/** The connections the trading system trades live with: their login is what a morning waits for. */
export function isLiveConnection(token: ConnectionToken): boolean {
  return token.connection.environment === 'prod';
}

export function isLive(timeline: Pick<TokenTimeline, 'state'>): boolean {
  return timeline.state !== 'missing' && timeline.state !== 'expired' && timeline.state !== 'revoked';
}

/**
 * A connection the morning asks the trader to log in to: not renewed today, and either a live login
 * or one that has had a token (a sandbox never used is not a chore to be reminded of every day).
 */
export function needsMorningLogin(token: ConnectionToken): boolean {
  return !token.renewedToday && (isLiveConnection(token) || token.timeline.state !== 'missing');
}

/** A connection that needs a login, as a button and its state line. */
export function renewTarget(token: ConnectionToken): RenewTarget {
  return { connectionId: token.connection.id, label: token.connection.label, state: deadWords(token) };
}

/** Why a token needs a login, in the trader's words; never token material or internal numbers. */
export function deadWords({ record, timeline }: Pick<ConnectionToken, 'record' | 'timeline'>): string {
  switch (timeline.state) {
    case 'missing':
      return 'no token yet.';
    case 'revoked':
      return 'the last token was revoked.';
    case 'expired':
      return record.diedAt && timeline.expiresAt && record.diedAt.getTime() < timeline.expiresAt.getTime()
        ? 'E*TRADE ended the last token before its midnight expiry.'
        : 'the last token expired at midnight ET.';
    default:
      // Live but issued before today: only a clock far off could get here.
      return `the token is ${timeline.state} but was issued before today.`;
  }
}
