import { addCalendarDays, newYorkDate, newYorkInstant, nextNewYorkMidnight } from '../../shared/time/newYork';
import { forEachTimeZone } from '../support/timeZones';

// 2026: New York springs forward Sunday March 8 at 02:00 EST (07:00Z) and falls back Sunday
// November 1 at 02:00 EDT (06:00Z). Every expected value below was worked out by hand from those.

forEachTimeZone(() => {
  describe('newYorkDate', () => {
    it.each([
      ['2026-03-08T04:59:59.999Z', '2026-03-07'], // 23:59:59.999 EST
      ['2026-03-08T05:00:00.000Z', '2026-03-08'], // midnight EST
      ['2026-03-08T06:59:59.999Z', '2026-03-08'], // 01:59:59.999 EST, last instant before the gap
      ['2026-03-08T07:00:00.000Z', '2026-03-08'], // 03:00 EDT
      ['2026-03-09T03:59:59.999Z', '2026-03-08'], // 23:59:59.999 EDT
      ['2026-03-09T04:00:00.000Z', '2026-03-09'], // midnight EDT
      ['2026-11-01T03:59:59.999Z', '2026-10-31'], // 23:59:59.999 EDT
      ['2026-11-01T04:00:00.000Z', '2026-11-01'], // midnight EDT
      ['2026-11-01T05:30:00.000Z', '2026-11-01'], // 01:30 EDT, first pass
      ['2026-11-01T06:30:00.000Z', '2026-11-01'], // 01:30 EST, second pass
      ['2026-11-02T04:59:59.999Z', '2026-11-01'], // 23:59:59.999 EST
      ['2026-11-02T05:00:00.000Z', '2026-11-02'], // midnight EST
      ['2026-12-31T23:30:00.000Z', '2026-12-31'], // already January 1 in Tokyo and Lord Howe
    ])('%s is %s in New York', (instant, expected) => {
      expect(newYorkDate(new Date(instant))).toBe(expected);
      expect(newYorkDate(Date.parse(instant))).toBe(expected);
    });
  });

  describe('nextNewYorkMidnight', () => {
    it.each([
      ['2026-03-08T04:30:00.000Z', '2026-03-08T05:00:00.000Z'], // 23:30 EST on the 7th
      ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'], // exactly midnight: the next one
      ['2026-03-08T06:59:00.000Z', '2026-03-09T04:00:00.000Z'], // 01:59 EST, before the gap
      ['2026-03-08T07:00:00.000Z', '2026-03-09T04:00:00.000Z'], // 03:00 EDT, after the gap
      ['2026-03-08T16:00:00.000Z', '2026-03-09T04:00:00.000Z'], // noon EDT
      ['2026-03-09T03:59:59.999Z', '2026-03-09T04:00:00.000Z'], // 23:59:59.999 EDT
      ['2026-11-01T03:30:00.000Z', '2026-11-01T04:00:00.000Z'], // 23:30 EDT on Oct 31
      ['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z'], // midnight EDT
      ['2026-11-01T05:30:00.000Z', '2026-11-02T05:00:00.000Z'], // 01:30 EDT
      ['2026-11-01T06:30:00.000Z', '2026-11-02T05:00:00.000Z'], // 01:30 EST
      ['2026-11-01T17:00:00.000Z', '2026-11-02T05:00:00.000Z'], // noon EST
      ['2026-06-15T13:00:00.000Z', '2026-06-16T04:00:00.000Z'], // ordinary summer day
      ['2026-01-15T14:00:00.000Z', '2026-01-16T05:00:00.000Z'], // ordinary winter day
      ['2026-12-31T23:30:00.000Z', '2027-01-01T05:00:00.000Z'], // year end
    ])('after %s is %s', (instant, expected) => {
      expect(nextNewYorkMidnight(new Date(instant)).toISOString()).toBe(expected);
    });

    it('makes March 8 a 23-hour day and November 1 a 25-hour day', () => {
      const hours = (date: string) =>
        (nextNewYorkMidnight(newYorkInstant(date)).getTime() - newYorkInstant(date).getTime()) / 3_600_000;
      expect(hours('2026-03-08')).toBe(23);
      expect(hours('2026-11-01')).toBe(25);
      expect(hours('2026-06-15')).toBe(24);
    });
  });

  describe('newYorkInstant', () => {
    it.each([
      ['2026-03-09', '09:30', '2026-03-09T13:30:00.000Z'],
      ['2026-03-06', '09:30', '2026-03-06T14:30:00.000Z'],
      ['2026-11-02', '09:30', '2026-11-02T14:30:00.000Z'],
      ['2026-10-30', '09:30', '2026-10-30T13:30:00.000Z'],
      ['2026-03-08', '00:00', '2026-03-08T05:00:00.000Z'],
      ['2026-11-01', '00:00', '2026-11-01T04:00:00.000Z'],
    ])('%s %s is %s', (date, time, expected) => {
      expect(newYorkInstant(date, time).toISOString()).toBe(expected);
    });
  });

  describe('addCalendarDays', () => {
    it.each([
      ['2026-03-07', 1, '2026-03-08'],
      ['2026-02-28', 1, '2026-03-01'],
      ['2028-02-28', 1, '2028-02-29'],
      ['2026-12-31', 1, '2027-01-01'],
      ['2026-01-01', -1, '2025-12-31'],
      ['2026-03-08', 0, '2026-03-08'],
    ])('%s plus %i days is %s', (date, days, expected) => {
      expect(addCalendarDays(date, days)).toBe(expected);
    });
  });
});
