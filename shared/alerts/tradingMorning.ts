import type { AppContext } from '../app/context';
import { AppError } from '../app/errors';
import type { MarketCalendar } from '../calendar';
import type { Connection } from '../config';
import { recordFacts, tokenTimeline, type TokenTimeline } from '../lifecycle';
import type { TokenRecord } from '../ports/tokenLedger';
import { newYorkDate } from '../time/newYork';

/**
 * What the morning reminder and its escalation share: which day it is in New York, whether the
 * market opens today and the run is inside its window, whether the prod token is already renewed,
 * and (onceADay.ts) a once-per-day marker that makes Pub/Sub's at-least-once delivery send one
 * notice, given back when the notice reached no channel so that a redelivery before the open tries
 * again. The open is both stages' cut-off: past it, a redelivery is acknowledged as outside-window.
 */

/** The connection the trading system trades with: its token is the one the morning depends on. */
export const PROD_CONNECTION_ID = 'prod';
/** Outlives every redelivery of the day's message; the date in the key keeps days apart. */
export const MORNING_MARKER_TTL_MS = 2 * 24 * 60 * 60_000;

/** How a run ended. A notice that reached no channel is none of these: that run fails (onceADay.ts). */
export const MORNING_ALERT_REASONS = [
  'sent', // at least one channel took the notice
  'not-trading-day',
  'outside-window', // too early or past the open (a late redelivery): a stale alert helps no one
  'already-renewed', // the prod token was issued today and is still live
  'already-sent', // another delivery of the same day's trigger claimed the marker first
] as const;
export type MorningAlertReason = (typeof MORNING_ALERT_REASONS)[number];

export interface MorningAlertResult {
  readonly sent: boolean;
  readonly reason: MorningAlertReason;
  /** The New York date the decision was about (`yyyy-MM-dd`). */
  readonly nyDate: string;
  /** Connections whose consumer-key lapse warning went out in this run (reminder only; absent if none). */
  readonly consumerKeyWarnings?: readonly string[];
}

export interface MorningAlertOptions {
  /** A fresh signed login link for the notice; default the page URL. */
  readonly loginLink?: () => Promise<string>;
  /** A manual run: ignores the time window, never the once-a-day marker or the calendar. */
  readonly force?: boolean;
}

export type MorningCtx = Pick<
  AppContext,
  'config' | 'clock' | 'calendar' | 'ledger' | 'notifier' | 'log' | 'pageUrl'
>;

export type MorningGate =
  | { readonly open: Date; readonly nyDate: string }
  | {
      readonly open?: undefined;
      readonly nyDate: string;
      readonly reason: MorningAlertReason;
      /** Set when the run came at or after the open: the moment passed (a late redelivery is acked). */
      readonly cutoff?: Date;
    };

/** Open today (New York date) and `now` in [open − windowMinutes, open), unless forced. */
export function morningGate(
  calendar: MarketCalendar,
  now: Date,
  windowMinutes: number,
  force = false,
): MorningGate {
  const nyDate = newYorkDate(now);
  const open = calendar.openOn(nyDate);
  if (!open) return { nyDate, reason: 'not-trading-day' };
  const windowStart = open.getTime() - windowMinutes * 60_000;
  if (!force && now.getTime() >= open.getTime()) return { nyDate, reason: 'outside-window', cutoff: open };
  if (!force && now.getTime() < windowStart) return { nyDate, reason: 'outside-window' };
  return { open, nyDate };
}

export interface ProdToken {
  readonly connection: Connection;
  readonly record: TokenRecord;
  readonly timeline: TokenTimeline;
  /** Issued on this New York date and still live: nothing to remind about. */
  readonly renewedToday: boolean;
}

export async function prodToken(ctx: MorningCtx, now: Date, nyDate: string): Promise<ProdToken> {
  const connection = prodConnection(ctx.config.connections);
  const record = await ctx.ledger.get(connection.id);
  const timeline = tokenTimeline(recordFacts(record), now, {
    keepAliveLeadMs: ctx.config.keepAliveLeadMinutes * 60_000,
  });
  const live = timeline.state !== 'missing' && timeline.state !== 'expired' && timeline.state !== 'revoked';
  const renewedToday = live && record.issuedAt !== undefined && newYorkDate(record.issuedAt) === nyDate;
  return { connection, record, timeline, renewedToday };
}

/** For the decision's log line: why a closed gate is closed, when it is because the moment passed. */
export function gateLogFields(gate: MorningGate): Record<string, string | boolean> {
  return gate.open === undefined && gate.cutoff ? { late: true, cutoff: gate.cutoff.toISOString() } : {};
}

function prodConnection(connections: readonly Connection[]): Connection {
  const connection = connections.find((candidate) => candidate.id === PROD_CONNECTION_ID);
  if (!connection) {
    throw new AppError('ERR_UNKNOWN_CONNECTION', `No "${PROD_CONNECTION_ID}" connection is configured`);
  }
  return connection;
}
