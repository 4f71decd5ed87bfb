import { easterSunday, nyseCalendar, nyseEarlyCloses, nyseHolidays } from '../../shared/calendar';
import { weekdayOf } from '../../shared/time/calendarDate';
import { addCalendarDays } from '../../shared/time/newYork';
import { forEachTimeZone } from '../support/timeZones';

/**
 * NYSE's published full-day closures, copied from the exchange's announcements (NYSE Group press
 * releases of 2021-12-27, 2024-11-08 and 2025-12-23) plus the January 9, 2025 national day of mourning.
 * 2022 and 2028 have no New Year's holiday: January 1 falls on a Saturday.
 */
const PUBLISHED_CLOSURES: Record<number, string[]> = {
  2022: ['01-17', '02-21', '04-15', '05-30', '06-20', '07-04', '09-05', '11-24', '12-26'],
  2023: ['01-02', '01-16', '02-20', '04-07', '05-29', '06-19', '07-04', '09-04', '11-23', '12-25'],
  2024: ['01-01', '01-15', '02-19', '03-29', '05-27', '06-19', '07-04', '09-02', '11-28', '12-25'],
  2025: ['01-01', '01-09', '01-20', '02-17', '04-18', '05-26', '06-19', '07-04', '09-01', '11-27', '12-25'],
  2026: ['01-01', '01-19', '02-16', '04-03', '05-25', '06-19', '07-03', '09-07', '11-26', '12-25'],
  2027: ['01-01', '01-18', '02-15', '03-26', '05-31', '06-18', '07-05', '09-06', '11-25', '12-24'],
  2028: ['01-17', '02-21', '04-14', '05-29', '06-19', '07-04', '09-04', '11-23', '12-25'],
};

/** The same announcements' 1:00 p.m. early closings. */
const PUBLISHED_EARLY_CLOSES: Record<number, string[]> = {
  2022: ['11-25'],
  2023: ['07-03', '11-24'],
  2024: ['07-03', '11-29', '12-24'],
  2025: ['07-03', '11-28', '12-24'],
  2026: ['11-27', '12-24'],
  2027: ['11-26'],
  2028: ['07-03', '11-24'],
};

function datesOf(year: number): string[] {
  const dates: string[] = [];
  for (let date = `${year}-01-01`; date.startsWith(`${year}-`); date = addCalendarDays(date, 1))
    dates.push(date);
  return dates;
}

const isWeekday = (date: string) => weekdayOf(date) !== 0 && weekdayOf(date) !== 6;

forEachTimeZone(() => {
  const years = Object.keys(PUBLISHED_CLOSURES).map(Number);

  describe.each(years)('%i', (year) => {
    it('closes on exactly the published weekdays and trades on every other weekday', () => {
      const calendar = nyseCalendar();
      const closed = datesOf(year).filter((date) => isWeekday(date) && !calendar.isTradingDay(date));
      expect(closed).toEqual(PUBLISHED_CLOSURES[year].map((monthDay) => `${year}-${monthDay}`));
    });

    it('never trades on a weekend and names every weekday closure', () => {
      const calendar = nyseCalendar();
      for (const date of datesOf(year)) {
        if (!isWeekday(date)) expect(calendar.isTradingDay(date)).toBe(false);
        else expect(calendar.holidayName(date) === undefined).toBe(calendar.isTradingDay(date));
      }
    });

    it('closes early on exactly the published dates', () => {
      const calendar = nyseCalendar();
      const expected = PUBLISHED_EARLY_CLOSES[year].map((monthDay) => `${year}-${monthDay}`);
      expect(nyseEarlyCloses(year).map((close) => close.date)).toEqual(expected);
      expect(datesOf(year).filter((date) => calendar.isEarlyClose(date))).toEqual(expected);
    });
  });

  describe('weekend observance', () => {
    const calendar = nyseCalendar();

    it('does not close Friday December 31 for a Saturday New Year (2021, 2027)', () => {
      expect(calendar.isTradingDay('2021-12-31')).toBe(true);
      expect(calendar.isTradingDay('2027-12-31')).toBe(true);
      expect(calendar.holidayName('2022-01-01')).toBeUndefined();
    });

    it('observes no holiday of 2022 or 2028 in the year before', () => {
      expect(nyseHolidays(2022).map((holiday) => holiday.date)).not.toContain('2021-12-31');
      expect(nyseHolidays(2028).every((holiday) => holiday.date.startsWith('2028-'))).toBe(true);
    });

    it('keeps every observed date a weekday of its own year, 2000–2100', () => {
      for (let year = 2000; year <= 2100; year += 1) {
        for (const { date } of nyseHolidays(year)) {
          expect([date.slice(0, 4), isWeekday(date)]).toEqual([String(year), true]);
        }
      }
    });

    it('closes Monday for a Sunday New Year (2023-01-02)', () => {
      expect(calendar.holidayName('2023-01-02')).toBe("New Year's Day (observed)");
      expect(calendar.isTradingDay('2022-12-30')).toBe(true);
    });

    it.each([
      ['2026-07-03', 'Independence Day (observed)'], // July 4 is a Saturday
      ['2027-07-05', 'Independence Day (observed)'], // July 4 is a Sunday
      ['2027-06-18', 'Juneteenth National Independence Day (observed)'],
      ['2027-12-24', 'Christmas Day (observed)'],
      ['2022-12-26', 'Christmas Day (observed)'],
      ['2026-12-25', 'Christmas Day'],
      ['2026-04-03', 'Good Friday'],
      ['2025-01-09', 'National Day of Mourning for President Jimmy Carter'],
    ])('names %s %s', (date, name) => {
      expect(calendar.holidayName(date)).toBe(name);
    });

    it('gives weekend holidays no name: the exchange is closed anyway', () => {
      expect(calendar.holidayName('2026-07-04')).toBeUndefined();
      expect(calendar.isTradingDay('2026-07-04')).toBe(false);
    });

    it('has no Juneteenth closure before 2022 (June 18, 2021 traded)', () => {
      expect(calendar.isTradingDay('2021-06-18')).toBe(true);
    });
  });

  describe('easterSunday', () => {
    it.each([
      [2000, '2000-04-23'],
      [2008, '2008-03-23'],
      [2019, '2019-04-21'],
      [2024, '2024-03-31'],
      [2025, '2025-04-20'],
      [2026, '2026-04-05'],
      [2027, '2027-03-28'],
      [2028, '2028-04-16'],
      [2038, '2038-04-25'], // latest possible date
      [2285, '2285-03-22'], // earliest possible date
    ])('%i is %s', (year, expected) => {
      expect(easterSunday(year)).toBe(expected);
    });
  });
});
