import {
  addCalendarMonths,
  assertCalendarDate,
  assertInstant,
  calendarDate,
  daysInMonth,
  fullMonthsBetween,
  weekdayOf,
} from '../../shared/time/calendarDate';
import { forEachTimeZone } from '../support/timeZones';

forEachTimeZone(() => {
  describe('assertCalendarDate', () => {
    it.each(['2026-03-08', '2028-02-29', '0099-01-01'])('accepts %s', (value) => {
      expect(() => assertCalendarDate(value, 'nyDate')).not.toThrow();
    });

    it.each([
      ['2026-02-29'],
      ['2026-02-30'],
      ['2026-3-8'],
      ['2026-03-08T00:00'],
      [''],
      [20260308],
      [undefined],
    ])('rejects %p, naming the argument', (value) => {
      expect(() => assertCalendarDate(value, 'nyDate')).toThrow(
        expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/^nyDate must be/) }),
      );
    });
  });

  describe('assertInstant', () => {
    it('accepts a real Date and rejects an Invalid Date or a string', () => {
      expect(() => assertInstant(new Date(0), 'now')).not.toThrow();
      expect(() => assertInstant(new Date('nope'), 'now')).toThrow(/^now must be a valid Date/);
      expect(() => assertInstant('2026-03-08T00:00:00Z', 'now')).toThrow(TypeError);
    });
  });

  describe('calendarDate and weekdayOf', () => {
    it('formats and rolls over like Date.UTC', () => {
      expect(calendarDate(2026, 3, 8)).toBe('2026-03-08');
      expect(calendarDate(2026, 2, 29)).toBe('2026-03-01');
      expect(calendarDate(2026, 1, 0)).toBe('2025-12-31');
      expect(calendarDate(99, 1, 1)).toBe('0099-01-01');
    });

    it.each([
      ['2026-03-08', 0],
      ['2026-03-09', 1],
      ['2022-01-01', 6],
      ['2021-12-31', 5],
      ['2028-02-29', 2],
    ])('%s is weekday %i', (date, weekday) => {
      expect(weekdayOf(date)).toBe(weekday);
    });

    it('knows leap years', () => {
      expect([
        daysInMonth(2026, 2),
        daysInMonth(2028, 2),
        daysInMonth(2100, 2),
        daysInMonth(2000, 2),
      ]).toEqual([28, 29, 28, 29]);
    });
  });

  describe('addCalendarMonths', () => {
    it.each([
      ['2024-01-31', 1, '2024-02-29'],
      ['2025-01-31', 1, '2025-02-28'],
      ['2024-02-29', 24, '2026-02-28'],
      ['2024-03-15', 24, '2026-03-15'],
      ['2025-11-30', 3, '2026-02-28'],
      ['2026-03-31', -1, '2026-02-28'],
    ])('%s plus %i months is %s', (date, months, expected) => {
      expect(addCalendarMonths(date, months)).toBe(expected);
    });
  });

  describe('fullMonthsBetween', () => {
    it.each([
      ['2024-03-15', '2026-02-14', 22],
      ['2024-03-15', '2026-02-15', 23],
      ['2024-03-15', '2026-03-15', 24],
      ['2024-01-31', '2024-02-29', 1], // end of a shorter month completes the month
      ['2024-01-31', '2024-02-28', 0],
      ['2024-03-31', '2026-02-28', 23],
      ['2024-03-15', '2024-03-15', 0],
      ['2026-03-15', '2024-03-15', 0], // never negative
    ])('%s to %s is %i months', (from, to, months) => {
      expect(fullMonthsBetween(from, to)).toBe(months);
    });
  });
});
