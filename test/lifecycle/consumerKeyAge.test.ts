import { consumerKeyAge } from '../../shared/lifecycle';
import { forEachTimeZone } from '../support/timeZones';

// Created 2024-03-15 12:00 EDT; the second anniversary starts at midnight EDT 2026-03-15 = 04:00Z.
const CREATED = new Date('2024-03-15T16:00:00.000Z');
const LAPSES = '2026-03-15T04:00:00.000Z';

forEachTimeZone(() => {
  it.each([
    ['2026-02-14T17:00:00.000Z', 22, false],
    ['2026-02-15T04:59:59.999Z', 22, false], // 23:59:59.999 EST on Feb 14
    ['2026-02-15T05:00:00.000Z', 23, true], // midnight EST Feb 15: 23 full months
    ['2026-03-15T03:59:59.999Z', 23, true],
    [LAPSES, 24, true],
    ['2027-01-01T12:00:00.000Z', 33, true],
    ['2024-03-15T16:00:00.000Z', 0, false],
    ['2024-03-01T12:00:00.000Z', 0, false], // clock behind the creation record
  ])('at %s the key is %i months old (warn: %s)', (now, months, warn) => {
    expect(consumerKeyAge(CREATED, new Date(now))).toEqual({ months, warn, lapsesAround: new Date(LAPSES) });
  });

  it('counts New York dates, not the process-local ones', () => {
    // 23:30 EDT March 31 is already April 1 in UTC and Tokyo: counted from April 1 it would be 22 months.
    const created = new Date('2024-03-31T23:30:00-04:00');
    expect(consumerKeyAge(created, new Date('2026-02-28T12:00:00-05:00'))).toEqual({
      months: 23,
      warn: true,
      lapsesAround: new Date('2026-03-31T04:00:00.000Z'),
    });
  });

  it('clamps a February 29 creation to February 28', () => {
    const created = new Date('2024-02-29T17:00:00.000Z');
    expect(consumerKeyAge(created, new Date('2026-02-28T04:59:59.999Z')).months).toBe(23);
    expect(consumerKeyAge(created, new Date('2026-02-28T05:00:00.000Z'))).toEqual({
      months: 24,
      warn: true,
      lapsesAround: new Date('2026-02-28T05:00:00.000Z'),
    });
  });

  it('rejects invalid dates, naming them', () => {
    expect(() => consumerKeyAge(new Date('nope'), CREATED)).toThrow(/^createdAt must be a valid Date/);
    expect(() => consumerKeyAge(CREATED, new Date('nope'))).toThrow(/^now must be a valid Date/);
  });
});
