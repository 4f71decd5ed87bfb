/**
 * Pure arithmetic on `yyyy-MM-dd` calendar dates. A calendar date here is a label (usually a New York
 * date from `newYorkDate`), never an instant: every helper works in UTC fields so the answer cannot
 * depend on the process time zone.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Throws unless `value` is a real `yyyy-MM-dd` date (`2026-02-30` is rejected, not rolled over). */
export function assertCalendarDate(value: unknown, name: string): asserts value is string {
  const match = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (!match || calendarDate(Number(match[1]), Number(match[2]), Number(match[3])) !== value) {
    throw new TypeError(`${name} must be a yyyy-MM-dd calendar date, got ${JSON.stringify(value)}`);
  }
}

/** Throws unless `value` is a Date holding a real instant (an `Invalid Date` compares false to everything). */
export function assertInstant(value: unknown, name: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`${name} must be a valid Date, got ${String(value)}`);
  }
}

/** `yyyy-MM-dd` for a year, a 1-based month and a day; out-of-range days roll over like `Date.UTC`. */
export function calendarDate(year: number, month: number, day: number): string {
  const at = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 literal instead of mapping them to 1900–1999.
  at.setUTCFullYear(year, month - 1, day);
  return at.toISOString().slice(0, 10);
}

/** The year, 1-based month and day of a `yyyy-MM-dd` date. */
export function dateParts(date: string): [year: number, month: number, day: number] {
  const [year, month, day] = date.split('-').map(Number);
  return [year, month, day];
}

/** Day of the week, 0 = Sunday … 6 = Saturday (`Date#getUTCDay` numbering). */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The number of days in a month (1-based). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Adds calendar months, clamping to the end of a shorter month (`2024-01-31` + 1 → `2024-02-29`),
 * which is how people count anniversaries and how date-fns' `addMonths` behaves.
 */
export function addCalendarMonths(date: string, months: number): string {
  const [year, month, day] = dateParts(date);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const targetYear = target.getUTCFullYear();
  const targetMonth = target.getUTCMonth() + 1;
  return calendarDate(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/**
 * Whole calendar months from `from` to `to`: the largest n with `addCalendarMonths(from, n) <= to`,
 * so `2024-01-31` → `2024-02-29` is one month. 0 when `to` is not later than `from`.
 */
export function fullMonthsBetween(from: string, to: string): number {
  const [fromYear, fromMonth] = dateParts(from);
  const [toYear, toMonth] = dateParts(to);
  const months = (toYear - fromYear) * 12 + (toMonth - fromMonth);
  // yyyy-MM-dd strings sort chronologically, so plain string comparison is date comparison.
  const reached = addCalendarMonths(from, months) <= to;
  return Math.max(0, reached ? months : months - 1);
}
