import type { Connection } from '../config';
import type { TokenTimeline } from '../lifecycle';
import type { Notice } from '../ports/notifier';
import type { TokenRecord } from '../ports/tokenLedger';
import { newYorkClock, newYorkDay } from './newYorkText';

export interface MorningReminder {
  readonly connection: Connection;
  readonly record: TokenRecord;
  readonly timeline: TokenTimeline;
  readonly open: Date;
  readonly earlyClose: boolean;
  readonly link: string;
}

/** The one notice a trading morning gets; it names states and times, never token material. */
export function morningReminderNotice(reminder: MorningReminder): Notice {
  const { connection, open, earlyClose, link } = reminder;
  const lines = [`The market opens at ${newYorkClock(open)} ET today, ${newYorkDay(open)}.`];
  if (earlyClose) lines.push('Early close today: 1:00 PM ET.');
  lines.push(`${connection.label}: ${tokenWords(reminder)}`);
  lines.push('Open the link, log in to E*TRADE and enter the 5-character PIN it shows.');
  return {
    kind: 'morning.reminder',
    connectionId: connection.id,
    title: 'Renew E*TRADE before the open',
    lines,
    link: { text: 'Renew now', url: link },
  };
}

export interface MorningEscalation {
  readonly connection: Connection;
  readonly record: TokenRecord;
  readonly timeline: TokenTimeline;
  readonly open: Date;
  readonly now: Date;
  readonly link: string;
}

/** The louder second notice, shortly before the open, when the reminder went unanswered. */
export function morningEscalationNotice(escalation: MorningEscalation): Notice {
  const { connection, open, now, link } = escalation;
  const minutes = Math.max(1, Math.ceil((open.getTime() - now.getTime()) / 60_000));
  return {
    kind: 'morning.escalation',
    connectionId: connection.id,
    title: `E*TRADE not renewed: the market opens in ${minutes} min`,
    lines: [
      `The market opens at ${newYorkClock(open)} ET. ${connection.label}: ${tokenWords(escalation)}`,
      'The trading system cannot trade until someone logs in.',
      'Open the link now, log in to E*TRADE and enter the 5-character PIN it shows.',
    ],
    link: { text: 'Renew now', url: link },
  };
}

function tokenWords({ record, timeline }: Pick<MorningReminder, 'record' | 'timeline'>): string {
  switch (timeline.state) {
    case 'missing':
      return 'no token yet.';
    case 'revoked':
      return 'the last token was revoked.';
    case 'expired':
      return record.diedAt && timeline.expiresAt && record.diedAt.getTime() < timeline.expiresAt.getTime()
        ? 'E*TRADE ended the last token early; it cannot be renewed.'
        : `the last token expired at midnight ET (generation ${record.generation}).`;
    default:
      // Live but issued before today: only a clock far off could get here.
      return `the token is ${timeline.state} but was issued before today.`;
  }
}
