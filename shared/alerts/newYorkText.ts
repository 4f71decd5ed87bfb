import { NEW_YORK } from '../time/newYork';

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

function plain(text: string): string {
  return text.replace(/[\u202f\u00a0]/g, ' ');
}
