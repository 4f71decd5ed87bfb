import { calendarDate, daysInMonth, weekdayOf } from '../time/calendarDate';
import { addCalendarDays } from '../time/newYork';

/**
 * NYSE full-day holidays derived from the exchange's rules (NYSE Rule 7.2), so the calendar keeps
 * working in years nobody typed in. Dates are New York calendar dates (`yyyy-MM-dd`).
 *
 * The rules are those in force since Juneteenth was added in 2022; earlier years can differ
 * (one-off closures, older holiday sets) and are not a goal.
 */

export interface Holiday {
  /** The weekday the exchange is closed, after the weekend-observance shift. */
  readonly date: string;
  readonly name: string;
}

const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;

/** The n-th (1-based) given weekday of a month, e.g. the 3rd Monday of January. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  const first = weekdayOf(calendarDate(year, month, 1));
  return calendarDate(year, month, 1 + ((weekday - first + 7) % 7) + (n - 1) * 7);
}

/** The last given weekday of a month, e.g. the last Monday of May. */
export function lastWeekday(year: number, month: number, weekday: number): string {
  const lastDay = daysInMonth(year, month);
  const last = weekdayOf(calendarDate(year, month, lastDay));
  return calendarDate(year, month, lastDay - ((last - weekday + 7) % 7));
}

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return calendarDate(year, month, day);
}

/**
 * Where a fixed-date holiday is observed: Sunday → Monday, Saturday → the preceding Friday. Rule 7.2
 * skips the Friday when it ends a monthly or yearly accounting period; of the fixed-date holidays
 * only New Year's Day can put its Friday on a period end (December 31), so a Saturday January 1 is
 * simply not observed (2022: December 31, 2021 was a full trading day). Returns undefined then.
 */
function observed(year: number, month: number, day: number, name: string): Holiday | undefined {
  const date = calendarDate(year, month, day);
  const weekday = weekdayOf(date);
  if (weekday === SUNDAY) return { date: calendarDate(year, month, day + 1), name: `${name} (observed)` };
  if (weekday !== SATURDAY) return { date, name };
  if (month === 1 && day === 1) return undefined;
  return { date: calendarDate(year, month, day - 1), name: `${name} (observed)` };
}

/** Every rule-based NYSE full-day closure for `year`'s holidays, in date order. */
export function nyseHolidays(year: number): Holiday[] {
  const holidays: (Holiday | undefined)[] = [
    observed(year, 1, 1, "New Year's Day"),
    { date: nthWeekday(year, 1, MONDAY, 3), name: 'Martin Luther King, Jr. Day' },
    { date: nthWeekday(year, 2, MONDAY, 3), name: "Washington's Birthday" },
    { date: addCalendarDays(easterSunday(year), -2), name: 'Good Friday' },
    { date: lastWeekday(year, 5, MONDAY), name: 'Memorial Day' },
    // Federal holiday since 2021, but the NYSE first closed for it in 2022.
    year >= 2022 ? observed(year, 6, 19, 'Juneteenth National Independence Day') : undefined,
    observed(year, 7, 4, 'Independence Day'),
    { date: nthWeekday(year, 9, MONDAY, 1), name: 'Labor Day' },
    { date: nthWeekday(year, 11, THURSDAY, 4), name: 'Thanksgiving Day' },
    observed(year, 12, 25, 'Christmas Day'),
  ];
  return holidays.filter((holiday): holiday is Holiday => holiday !== undefined);
}

/**
 * 1:00 p.m. closes: the day after Thanksgiving, and July 3 and December 24 when they are Monday to
 * Thursday. (On a Friday they are already closed as an observed holiday; on a weekend nothing moves.)
 * Matches NYSE's published early closings for 2022–2028.
 */
export function nyseEarlyCloses(year: number): Holiday[] {
  const midweek = (date: string): boolean => weekdayOf(date) >= MONDAY && weekdayOf(date) <= THURSDAY;
  const julyThird = calendarDate(year, 7, 3);
  const christmasEve = calendarDate(year, 12, 24);
  const earlyCloses: (Holiday | false)[] = [
    midweek(julyThird) && { date: julyThird, name: 'Day before Independence Day' },
    { date: addCalendarDays(nthWeekday(year, 11, THURSDAY, 4), 1), name: 'Day after Thanksgiving' },
    midweek(christmasEve) && { date: christmasEve, name: 'Christmas Eve' },
  ];
  return earlyCloses.filter((close): close is Holiday => close !== false);
}
