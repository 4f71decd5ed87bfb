// The subpath, not the package index: the index pulls in all of date-fns (~300 modules, ~60 ms of
// every cold start) for a formatter this module does not need.
import { fromZonedTime } from 'date-fns-tz/fromZonedTime';

import { memoNextInstant } from './nextInstantMemo';

/** E*TRADE's day, the NYSE's day and every alert in this project run on New York time. */
export const NEW_YORK = 'America/New_York';

// Intl's own New York calendar; the parts are read by name, so no locale's order is assumed.
const NEW_YORK_DATE = new Intl.DateTimeFormat('en-US', {
  timeZone: NEW_YORK,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The New York calendar date (`yyyy-MM-dd`) at an absolute instant, whatever the process time zone. */
export function newYorkDate(at: Date | number): string {
  const part: Record<string, string> = {};
  for (const { type, value } of NEW_YORK_DATE.formatToParts(at)) part[type] = value;
  return `${part.year}-${part.month}-${part.day}`;
}

/** Adds whole calendar days to a `yyyy-MM-dd` date by pure date arithmetic (no time zone involved). */
export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The absolute instant of a New York wall-clock time (`HH:mm`) on a New York calendar date. */
export function newYorkInstant(date: string, time = '00:00'): Date {
  return fromZonedTime(`${date}T${time}:00`, NEW_YORK);
}

/**
 * The first New York midnight strictly after `at`: when an access token issued at `at` dies.
 * Derived from the New York date string, never from `startOfDay` on a zoned Date, which depends on
 * the process time zone and is an hour off on DST days.
 */
export function nextNewYorkMidnight(at: Date | number): Date {
  return nextMidnight(typeof at === 'number' ? new Date(at) : at);
}

// Pure, and asked per status request for `now` and each token's issue time (a handful of days at
// most): memoised by interval (nextInstantMemo), it skips Intl and the zone arithmetic almost always.
const nextMidnight = memoNextInstant((at) => newYorkInstant(addCalendarDays(newYorkDate(at), 1)), 4);
