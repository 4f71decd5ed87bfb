import type { AppContext } from '../app/context';
import { AppError } from '../app/errors';
import type { Connection } from '../config';
import { recordFacts, tokenTimeline } from '../lifecycle';
import { newYorkDate } from '../time/newYork';
import { morningReminderNotice } from './morningNotice';

/** The connection the trading system trades with: its token is the one the morning depends on. */
export const PROD_CONNECTION_ID = 'prod';
/** The reminder may go out from this long before the open (Cloud Scheduler fires at open − 60 min). */
export const MORNING_ALERT_WINDOW_MINUTES = 75;
/** Outlives every redelivery of the day's message; the date in the key keeps days apart. */
export const MORNING_ALERT_MARKER_TTL_MS = 2 * 24 * 60 * 60_000;

export const MORNING_ALERT_REASONS = [
  'sent',
  'not-trading-day',
  'outside-window', // too early or past the open (a late redelivery): a stale reminder helps no one
  'already-renewed', // the prod token was issued today and is still live
  'already-sent', // another delivery of the same day's trigger claimed the marker first
] as const;
export type MorningAlertReason = (typeof MORNING_ALERT_REASONS)[number];

export interface MorningAlertResult {
  readonly sent: boolean;
  readonly reason: MorningAlertReason;
  /** The New York date the decision was about (`yyyy-MM-dd`). */
  readonly nyDate: string;
}

export interface MorningAlertOptions {
  /** A fresh signed login link for the notice; default the page URL. */
  readonly loginLink?: () => Promise<string>;
  /** A manual run: ignores the time window, never the once-a-day marker or the calendar. */
  readonly force?: boolean;
}

type Ctx = Pick<AppContext, 'config' | 'clock' | 'calendar' | 'ledger' | 'notifier' | 'log' | 'pageUrl'>;

/**
 * The trading-morning reminder to renew the prod token before the open. Triggered by Pub/Sub, which
 * delivers at least once: the ledger marker for the New York date makes the notice go out once.
 */
export async function runMorningAlert(
  ctx: Ctx,
  options: MorningAlertOptions = {},
): Promise<MorningAlertResult> {
  const now = ctx.clock.now();
  const nyDate = newYorkDate(now);
  const result = (reason: MorningAlertReason): MorningAlertResult => {
    ctx.log.info('morning_alert.decided', { nyDate, reason, forced: options.force === true });
    return { sent: reason === 'sent', reason, nyDate };
  };

  const open = ctx.calendar.openOn(nyDate);
  if (!open) return result('not-trading-day');
  const windowStart = open.getTime() - MORNING_ALERT_WINDOW_MINUTES * 60_000;
  if (!options.force && (now.getTime() < windowStart || now.getTime() >= open.getTime())) {
    return result('outside-window');
  }

  const connection = prodConnection(ctx.config.connections);
  const record = await ctx.ledger.get(connection.id);
  const timeline = tokenTimeline(recordFacts(record), now, {
    keepAliveLeadMs: ctx.config.keepAliveLeadMinutes * 60_000,
  });
  const live = timeline.state !== 'missing' && timeline.state !== 'expired' && timeline.state !== 'revoked';
  if (live && record.issuedAt && newYorkDate(record.issuedAt) === nyDate) return result('already-renewed');

  // The link first: if making it fails, the marker is still free for Pub/Sub's retry.
  const link = options.loginLink ? await options.loginLink() : ctx.pageUrl;
  const claimed = await ctx.ledger.claimMarker(
    `morning-alert:${nyDate}`,
    now,
    new Date(now.getTime() + MORNING_ALERT_MARKER_TTL_MS),
  );
  if (!claimed) return result('already-sent');

  await ctx.notifier.send(
    morningReminderNotice({
      connection,
      record,
      timeline,
      open,
      earlyClose: ctx.calendar.isEarlyClose(nyDate),
      link,
    }),
  );
  return result('sent');
}

function prodConnection(connections: readonly Connection[]): Connection {
  const connection = connections.find((candidate) => candidate.id === PROD_CONNECTION_ID);
  if (!connection) {
    throw new AppError('ERR_UNKNOWN_CONNECTION', `No "${PROD_CONNECTION_ID}" connection is configured`);
  }
  return connection;
}
