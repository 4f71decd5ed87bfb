import { formatInTimeZone } from 'date-fns-tz';
import { formatDuration } from '../client/durations';
import type { TokenState } from '../lifecycle';
import { NEW_YORK, newYorkDate, nextNewYorkMidnight } from '../time/newYork';
import type { Style } from './io';

/** "08:30 ET" today (New York's today), "midnight ET" tonight, else "Thu 2026-11-26 08:30 ET". */
export function etWhen(at: string | Date, now: Date): string {
  const instant = new Date(at);
  if (instant.getTime() === nextNewYorkMidnight(now).getTime()) return 'midnight ET';
  const sameDay = newYorkDate(instant) === newYorkDate(now);
  return `${formatInTimeZone(instant, NEW_YORK, sameDay ? 'HH:mm' : 'EEE yyyy-MM-dd HH:mm')} ET`;
}

/** "in 2 h 5 min" / "12 minutes ago" / "now". */
export function relative(at: string | Date, now: Date): string {
  const seconds = (new Date(at).getTime() - now.getTime()) / 1000;
  if (Math.abs(seconds) < 60) return 'now';
  return seconds > 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(-seconds)} ago`;
}

export function stateWord(state: TokenState, style: Style, width = 0): string {
  const padded = state.padEnd(width);
  switch (state) {
    case 'active':
      return style.green(padded);
    case 'idle':
    case 'failing':
      return style.yellow(padded);
    default:
      return style.red(padded);
  }
}

/** Pads before colouring, so escape codes never count towards the width. */
export function column(text: string, width: number): string {
  return text.padEnd(width);
}

export function money(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}
