import type { AppContext } from '../app/context';
import type { MarketCalendar } from '../calendar';
import { newYorkDate } from '../time/newYork';

/**
 * What the morning reminder and its escalation share: which day it is in New York, whether the
 * market opens today and the run is inside its window, which connections still need a login,
 * and (onceADay.ts) a once-per-day marker that makes Pub/Sub's at-least-once delivery send one
 * notice, given back when the notice reached no channel so that a redelivery before the open tries
 * again. The open is both stages' cut-off: past it, a redelivery is acknowledged as outside-window.
 */

/** Outlives every redelivery of the day's message; the date in the key keeps days apart. */
export const MORNING_MARKER_TTL_MS = 2 * 24 * 60 * 60_000;

/** How a run ended. A notice that reached no channel is none of these: that run fails (onceADay.ts). */
export const MORNING_ALERT_REASONS = [
  'sent', // at least one channel took the notice
  'not-trading-day',
  'outside-window', // too early or past the open (a late redelivery): a stale alert helps no one
  'already-renewed', // every live (prod-environment) connection's token was issued today and is live
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
  /**
   * A manual run (POST /cron/morning-alert, by default): sends whatever the clock says, once per
   * call, and claims the day's marker if it is still free, so the scheduled run does not repeat it.
   * Only the calendar (no reminder on a holiday) and "already renewed" still hold.
   */
  readonly force?: boolean;
}

export type MorningCtx = Pick<AppContext, 'config' | 'clock' | 'calendar' | 'ledger' | 'notifier' | 'log'>;

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

/** For the decision's log line: why a closed gate is closed, when it is because the moment passed. */
export function gateLogFields(gate: MorningGate): Record<string, string | boolean> {
  return gate.open === undefined && gate.cutoff ? { late: true, cutoff: gate.cutoff.toISOString() } : {};
}
