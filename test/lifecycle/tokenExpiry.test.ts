import { tokenTimeline } from '../../shared/lifecycle';
import { forEachTimeZone } from '../support/timeZones';

/**
 * Expiry is the first New York midnight after issue, as an absolute instant (ETRADE.md trap 5).
 * Issue times are written with their New York offset; expected instants were worked out by hand.
 * 2026: EDT from 2026-03-08 02:00 EST (07:00Z) to 2026-11-01 02:00 EDT (06:00Z).
 */
const CASES: [issued: string, expires: string, why: string][] = [
  ['2026-06-15T09:00:00-04:00', '2026-06-16T04:00:00.000Z', 'ordinary summer day'],
  ['2026-01-15T09:00:00-05:00', '2026-01-16T05:00:00.000Z', 'ordinary winter day'],
  ['2026-06-14T23:59:59.999-04:00', '2026-06-15T04:00:00.000Z', 'a millisecond before midnight: lives 1 ms'],
  ['2026-06-15T00:00:00-04:00', '2026-06-16T04:00:00.000Z', 'exactly midnight: lives the whole day'],
  ['2026-03-07T23:30:00-05:00', '2026-03-08T05:00:00.000Z', 'evening before spring-forward'],
  ['2026-03-08T00:00:00-05:00', '2026-03-09T04:00:00.000Z', 'spring-forward day, midnight EST'],
  ['2026-03-08T01:59:00-05:00', '2026-03-09T04:00:00.000Z', 'spring-forward day, last minute of EST'],
  ['2026-03-08T03:00:00-04:00', '2026-03-09T04:00:00.000Z', 'spring-forward day, first minute of EDT'],
  ['2026-03-08T12:00:00-04:00', '2026-03-09T04:00:00.000Z', 'spring-forward day, noon'],
  ['2026-10-31T23:30:00-04:00', '2026-11-01T04:00:00.000Z', 'evening before fall-back'],
  ['2026-11-01T00:30:00-04:00', '2026-11-02T05:00:00.000Z', 'fall-back day, 00:30 EDT'],
  ['2026-11-01T01:30:00-04:00', '2026-11-02T05:00:00.000Z', 'fall-back day, first 01:30 (EDT)'],
  ['2026-11-01T01:30:00-05:00', '2026-11-02T05:00:00.000Z', 'fall-back day, second 01:30 (EST)'],
  ['2026-11-01T12:00:00-05:00', '2026-11-02T05:00:00.000Z', 'fall-back day, noon'],
];

forEachTimeZone(() => {
  it.each(CASES)('issued %s expires %s (%s)', (issued, expires) => {
    const issuedAt = new Date(issued);
    const expiresAt = Date.parse(expires);
    // Keep the token busy up to the end so only expiry can end it.
    const facts = { issuedAt, lastUsedAt: new Date(expiresAt - 1), keepAliveFailureStreak: 0 };

    expect(tokenTimeline(facts, issuedAt).expiresAt?.toISOString()).toBe(expires);
    expect(tokenTimeline(facts, new Date(expiresAt - 1))).toMatchObject({
      state: 'active',
      secondsToExpiry: 1,
    });
    expect(tokenTimeline(facts, new Date(expiresAt)).state).toBe('expired');
  });
});
