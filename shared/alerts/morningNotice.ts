import type { Notice } from '../ports/notifier';
import { actionUntil } from '../notify/noticeActions';
import { type ConnectionToken, needsMorningLogin, renewTarget } from './connectionTokens';
import { newYorkClock, newYorkDay } from './newYorkText';

export interface MorningReminder {
  /** Every configured connection's token: those not renewed today get a button each. */
  readonly tokens: readonly ConnectionToken[];
  readonly open: Date;
  readonly earlyClose: boolean;
  readonly now: Date;
}

/**
 * The one message a trading morning gets: every connection in it, each one still to renew with its
 * own button (the trader renews them from one message). Names states and times, never token material.
 */
export function morningReminderNotice(reminder: MorningReminder): Notice {
  const { tokens, open, earlyClose, now } = reminder;
  // A run by hand after the open says so, rather than announce an open that has passed.
  const opens = now.getTime() < open.getTime() ? 'opens' : 'opened';
  const lines = [`The market ${opens} at ${newYorkClock(open)} ET today, ${newYorkDay(open)}.`];
  if (earlyClose) lines.push('Early close today: 1:00 PM ET.');
  for (const token of tokens.filter((t) => t.renewedToday)) {
    lines.push(`✅ ${token.connection.label}: renewed today, active.`);
  }
  return {
    kind: 'morning.reminder',
    ...onlyConnection(tokens),
    title: 'Renew E*TRADE before the open',
    lines,
    action: { kind: 'renew', targets: toRenew(tokens), until: actionUntil(now) },
  };
}

export interface MorningEscalation {
  readonly tokens: readonly ConnectionToken[];
  readonly open: Date;
  readonly now: Date;
}

/** The louder second notice, shortly before the open, when the reminder went unanswered. */
export function morningEscalationNotice(escalation: MorningEscalation): Notice {
  const { tokens, open, now } = escalation;
  const minutes = Math.ceil((open.getTime() - now.getTime()) / 60_000);
  const before = minutes > 0;
  return {
    kind: 'morning.escalation',
    ...onlyConnection(tokens),
    title: `E*TRADE not renewed: ${before ? `the market opens in ${minutes} min` : 'the market is open'}`,
    lines: [
      `The market ${before ? 'opens' : 'opened'} at ${newYorkClock(open)} ET; the trading system cannot trade until someone logs in.`,
    ],
    action: { kind: 'renew', targets: toRenew(tokens), until: actionUntil(now) },
  };
}

function toRenew(tokens: readonly ConnectionToken[]) {
  return tokens.filter(needsMorningLogin).map(renewTarget);
}

/** A notice about exactly one connection names it (logs, the page's `renew` hint). */
function onlyConnection(tokens: readonly ConnectionToken[]): { connectionId?: string } {
  const open = tokens.filter(needsMorningLogin);
  return open.length === 1 ? { connectionId: open[0].connection.id } : {};
}
