import { assertCalendarDate, assertInstant, dateParts, weekdayOf } from '../time/calendarDate';
import { addCalendarDays, newYorkDate, newYorkInstant } from '../time/newYork';
import { type Holiday, nyseEarlyCloses, nyseHolidays } from './nyseHolidays';

/**
 * When the NYSE trades. Every question is asked with a New York calendar date (`yyyy-MM-dd`, from
 * `newYorkDate`) or an absolute instant, never a local Date: a library that reads the process-local
 * date answers for the wrong day whenever the process is not on New York time (ETRADE.md trap 7).
 */
export interface MarketCalendar {
  /** A weekday that is neither a holiday nor a special closure. */
  isTradingDay(nyDate: string): boolean;
  /** Why the exchange is closed on that date, or undefined if it is not closed for a named reason (weekends included). */
  holidayName(nyDate: string): string | undefined;
  /** A trading day that closes at 1:00 p.m. ET. */
  isEarlyClose(nyDate: string): boolean;
  /** The 09:30 ET opening bell of that date as an absolute instant, if it is a trading day. */
  openOn(nyDate: string): Date | undefined;
  /** The first opening bell strictly after `after` (an instant exactly at 09:30 ET gets the next day's). */
  nextOpen(after: Date): Date;
}

/**
 * One-off closures no rule can derive (national days of mourning, storms). Exported so a caller who
 * needs one more can pass `[...NYSE_SPECIAL_CLOSURES, extra]` without waiting for a release.
 */
export const NYSE_SPECIAL_CLOSURES: readonly Holiday[] = [
  { date: '2025-01-09', name: 'National Day of Mourning for President Jimmy Carter' },
];

export interface NyseCalendarOptions {
  /** Replaces (does not extend) NYSE_SPECIAL_CLOSURES; pass `[]` for the rules alone. */
  specialClosures?: readonly Holiday[];
}

const OPENING_BELL = '09:30';
/** nextOpen gives up after a year of closed days rather than loop forever on a bad closure list. */
const MAX_SEARCH_DAYS = 366;

export function nyseCalendar(options: NyseCalendarOptions = {}): MarketCalendar {
  const specialClosures = new Map<string, string>();
  for (const [index, closure] of (options.specialClosures ?? NYSE_SPECIAL_CLOSURES).entries()) {
    assertCalendarDate(closure.date, `specialClosures[${index}].date`);
    specialClosures.set(closure.date, closure.name);
  }

  // Per-instance memo: nextOpen and day-by-day scans ask about the same year many times.
  const years = new Map<number, { closed: Map<string, string>; earlyCloses: Set<string> }>();
  function yearOf(nyDate: string) {
    const [year] = dateParts(nyDate);
    let entry = years.get(year);
    if (!entry) {
      // Next year's holidays too: an observed date could land in the previous year (a Saturday
      // New Year's Day would, were it not for the rule nyseHolidays applies), so look, don't assume.
      const closures = [...nyseHolidays(year), ...nyseHolidays(year + 1)].filter((holiday) =>
        holiday.date.startsWith(`${year}-`),
      );
      entry = {
        closed: new Map(closures.map((holiday) => [holiday.date, holiday.name])),
        earlyCloses: new Set(nyseEarlyCloses(year).map((close) => close.date)),
      };
      years.set(year, entry);
    }
    return entry;
  }

  function holidayName(nyDate: string): string | undefined {
    assertCalendarDate(nyDate, 'nyDate');
    return yearOf(nyDate).closed.get(nyDate) ?? specialClosures.get(nyDate);
  }

  function isTradingDay(nyDate: string): boolean {
    if (holidayName(nyDate) !== undefined) return false;
    const weekday = weekdayOf(nyDate);
    return weekday !== 0 && weekday !== 6;
  }

  function openOn(nyDate: string): Date | undefined {
    return isTradingDay(nyDate) ? newYorkInstant(nyDate, OPENING_BELL) : undefined;
  }

  return {
    isTradingDay,
    holidayName,
    openOn,
    isEarlyClose: (nyDate) => isTradingDay(nyDate) && yearOf(nyDate).earlyCloses.has(nyDate),
    nextOpen(after) {
      assertInstant(after, 'after');
      // Start on the New York date of `after` itself: before 09:30 ET that day's bell is still ahead.
      let nyDate = newYorkDate(after);
      for (let day = 0; day <= MAX_SEARCH_DAYS; day += 1, nyDate = addCalendarDays(nyDate, 1)) {
        const open = openOn(nyDate);
        if (open && open.getTime() > after.getTime()) return open;
      }
      throw new RangeError(`no NYSE trading day within ${MAX_SEARCH_DAYS} days after ${after.toISOString()}`);
    },
  };
}
