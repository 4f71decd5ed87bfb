import { NEW_YORK, newYorkDate } from '../time/newYork';

/**
 * Instants as a trader in New York reads them, whatever the process time zone. Plain-text channels
 * get plain spaces: some ICU versions put a narrow no-break space before AM/PM.
 */

/** `9:30 AM` */
export function newYorkClock(at: Date): string {
  return plain(at.toLocaleTimeString('en-US', { timeZone: NEW_YORK, hour: 'numeric', minute: '2-digit' }));
}

/** `Monday, March 9` */
export function newYorkDay(at: Date): string {
  return plain(
    at.toLocaleDateString('en-US', { timeZone: NEW_YORK, weekday: 'long', month: 'long', day: 'numeric' }),
  );
}

/** `April 1, 2026`: a date without a time, written out like every other date a notice shows. */
export function newYorkLongDate(at: Date): string {
  return plain(
    at.toLocaleDateString('en-US', { timeZone: NEW_YORK, month: 'long', day: 'numeric', year: 'numeric' }),
  );
}

/**
 * A token's end as a trader reads it: `midnight ET tonight` when it ends at the end of `now`'s New
 * York day (a renewal's always does), else `midnight ET at the end of Tuesday, March 10`. "Valid until
 * Mar 11, 12:00 AM" read as "all of March 11".
 */
export function midnightWords(expiresAt: Date, now: Date): string {
  const lastDay = new Date(expiresAt.getTime() - 1);
  return newYorkDate(lastDay) === newYorkDate(now)
    ? 'midnight ET tonight'
    : `midnight ET at the end of ${newYorkDay(lastDay)}`;
}

/** `in 12 min`, `in 1 h 5 min`, `in under a minute`: how far away an instant is. */
export function inMinutes(at: Date, now: Date): string {
  const minutes = Math.floor((at.getTime() - now.getTime()) / 60_000);
  if (minutes < 1) return 'in under a minute';
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `in ${hours} h ${minutes % 60} min` : `in ${minutes} min`;
}

function plain(text: string): string {
  return text.replace(/[\u202f\u00a0]/g, ' ');
}
