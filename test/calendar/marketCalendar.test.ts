import { NYSE_SPECIAL_CLOSURES, nyseCalendar } from '../../shared/calendar';
import { addCalendarDays } from '../../shared/time/newYork';
import { forEachTimeZone } from '../support/timeZones';

// 09:30 ET is 14:30Z under EST and 13:30Z under EDT (2026: EDT from March 8 to November 1).

forEachTimeZone(() => {
  describe('nextOpen', () => {
    const calendar = nyseCalendar();

    it.each([
      // around the bell on an ordinary Tuesday
      ['2026-03-10T13:29:59.999Z', '2026-03-10T13:30:00.000Z', 'one ms before the bell'],
      ['2026-03-10T13:30:00.000Z', '2026-03-11T13:30:00.000Z', 'exactly at the bell: the next day'],
      ['2026-03-10T13:30:00.001Z', '2026-03-11T13:30:00.000Z', 'one ms after the bell'],
      ['2026-03-10T03:59:59.999Z', '2026-03-10T13:30:00.000Z', '23:59:59.999 EDT Monday (Tuesday in Tokyo)'],
      ['2026-03-10T04:00:00.000Z', '2026-03-10T13:30:00.000Z', 'midnight EDT Tuesday'],
      // weekends, including both DST switches
      ['2026-03-06T15:00:00.000Z', '2026-03-09T13:30:00.000Z', 'Friday EST → Monday EDT'],
      ['2026-03-07T12:00:00.000Z', '2026-03-09T13:30:00.000Z', 'Saturday before spring-forward'],
      ['2026-03-08T06:59:00.000Z', '2026-03-09T13:30:00.000Z', '01:59 EST on the spring-forward Sunday'],
      ['2026-03-08T07:00:00.000Z', '2026-03-09T13:30:00.000Z', '03:00 EDT on the spring-forward Sunday'],
      ['2026-10-30T20:00:00.000Z', '2026-11-02T14:30:00.000Z', 'Friday EDT → Monday EST'],
      ['2026-11-01T05:30:00.000Z', '2026-11-02T14:30:00.000Z', '01:30 EDT on the fall-back Sunday'],
      ['2026-11-01T06:30:00.000Z', '2026-11-02T14:30:00.000Z', '01:30 EST on the fall-back Sunday'],
      // holidays
      ['2025-12-31T21:00:00.000Z', '2026-01-02T14:30:00.000Z', "New Year's Day"],
      ['2026-01-16T21:00:00.000Z', '2026-01-20T14:30:00.000Z', 'MLK Day long weekend'],
      ['2026-04-02T21:00:00.000Z', '2026-04-06T13:30:00.000Z', 'Good Friday'],
      ['2026-07-02T14:00:00.000Z', '2026-07-06T13:30:00.000Z', 'Independence Day observed on Friday'],
      [
        '2026-11-25T20:00:00.000Z',
        '2026-11-27T14:30:00.000Z',
        'Thanksgiving; the early-close day opens normally',
      ],
      ['2026-12-24T22:00:00.000Z', '2026-12-28T14:30:00.000Z', 'Christmas (already Dec 25 in Tokyo)'],
      ['2027-06-17T21:00:00.000Z', '2027-06-21T13:30:00.000Z', 'Juneteenth observed on Friday'],
      ['2027-12-23T21:00:00.000Z', '2027-12-27T14:30:00.000Z', 'Christmas observed on Friday'],
      ['2021-12-30T21:00:00.000Z', '2021-12-31T14:30:00.000Z', 'Dec 31 before a Saturday New Year trades'],
      ['2025-01-08T21:00:00.000Z', '2025-01-10T14:30:00.000Z', 'Carter day of mourning'],
    ])('after %s is %s (%s)', (after, expected) => {
      expect(calendar.nextOpen(new Date(after)).toISOString()).toBe(expected);
    });

    it('rejects an Invalid Date', () => {
      expect(() => calendar.nextOpen(new Date('nope'))).toThrow(/^after must be a valid Date/);
    });
  });

  describe('openOn', () => {
    const calendar = nyseCalendar();

    it.each([
      ['2026-03-06', '2026-03-06T14:30:00.000Z'],
      ['2026-03-09', '2026-03-09T13:30:00.000Z'],
      ['2026-10-30', '2026-10-30T13:30:00.000Z'],
      ['2026-11-02', '2026-11-02T14:30:00.000Z'],
    ])('opens %s at %s', (date, expected) => {
      expect(calendar.openOn(date)?.toISOString()).toBe(expected);
    });

    it.each(['2026-03-07', '2026-03-08', '2026-07-03', '2025-01-09'])('does not open on %s', (date) => {
      expect(calendar.openOn(date)).toBeUndefined();
    });
  });

  describe('special closures', () => {
    it('closes 2025-01-09 by default, which no rule derives', () => {
      expect(NYSE_SPECIAL_CLOSURES.map((closure) => closure.date)).toContain('2025-01-09');
      expect(nyseCalendar().isTradingDay('2025-01-09')).toBe(false);
      expect(nyseCalendar({ specialClosures: [] }).isTradingDay('2025-01-09')).toBe(true);
      expect(
        nyseCalendar({ specialClosures: [] }).nextOpen(new Date('2025-01-08T21:00:00.000Z')).toISOString(),
      ).toBe('2025-01-09T14:30:00.000Z');
    });

    it('replaces the default list with the one given (September 11, 2001: closed through the 14th)', () => {
      const closures = ['2001-09-11', '2001-09-12', '2001-09-13', '2001-09-14'].map((date) => ({
        date,
        name: 'September 11 attacks',
      }));
      const calendar = nyseCalendar({ specialClosures: closures });
      expect(calendar.holidayName('2001-09-13')).toBe('September 11 attacks');
      expect(calendar.nextOpen(new Date('2001-09-10T21:00:00.000Z')).toISOString()).toBe(
        '2001-09-17T13:30:00.000Z',
      );
      expect(calendar.isTradingDay('2025-01-09')).toBe(true);
    });

    it('rejects a malformed closure date, naming it', () => {
      expect(() => nyseCalendar({ specialClosures: [{ date: '2025-1-9', name: 'typo' }] })).toThrow(
        /^specialClosures\[0\]\.date must be a yyyy-MM-dd calendar date/,
      );
    });

    it('gives up with a RangeError instead of looping when nothing opens for a year', () => {
      const closures = Array.from({ length: 400 }, (_, day) => ({
        date: addCalendarDays('2026-01-01', day),
        name: 'closed',
      }));
      expect(() =>
        nyseCalendar({ specialClosures: closures }).nextOpen(new Date('2026-01-01T12:00:00Z')),
      ).toThrow(RangeError);
    });
  });

  describe('date arguments', () => {
    const calendar = nyseCalendar();

    it.each(['2026-02-30', '2026-3-9', '03/09/2026'])('rejects %s everywhere', (date) => {
      expect(() => calendar.isTradingDay(date)).toThrow(/^nyDate must be a yyyy-MM-dd calendar date/);
      expect(() => calendar.holidayName(date)).toThrow(TypeError);
      expect(() => calendar.isEarlyClose(date)).toThrow(TypeError);
      expect(() => calendar.openOn(date)).toThrow(TypeError);
    });
  });
});
