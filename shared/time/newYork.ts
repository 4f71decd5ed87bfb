import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';

/** E*TRADE's day, the NYSE's day and every alert in this project run on New York time. */
export const NEW_YORK = 'America/New_York';

/** The New York calendar date (`yyyy-MM-dd`) at an absolute instant, whatever the process time zone. */
export function newYorkDate(at: Date | number): string {
  return formatInTimeZone(at, NEW_YORK, 'yyyy-MM-dd');
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
  return newYorkInstant(addCalendarDays(newYorkDate(at), 1));
}
