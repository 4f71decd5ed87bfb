import { nyseCalendar } from '../../shared/calendar';
import { nextMorningAlert } from '../../shared/status/statusReport';
import { addCalendarDays, newYorkDate, newYorkInstant, nextNewYorkMidnight } from '../../shared/time/newYork';
import { memoNextInstant } from '../../shared/time/nextInstantMemo';
import { seededRandom } from '../support/random';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const calendar = nyseCalendar();
/** The next New York midnight worked out from scratch, as nextNewYorkMidnight did before its memo. */
const midnightFromScratch = (at: Date) => newYorkInstant(addCalendarDays(newYorkDate(at), 1));
const alertFromScratch = (at: Date) => nextMorningAlert({ calendar }, at);

/**
 * A clock that mostly steps forward a few minutes, sometimes lands on the very edge of an interval
 * (the instant itself, or a millisecond before), is set back days or jumps ahead: across the March DST
 * change, Good Friday and a long weekend.
 */
function* walk(seed: number, next: (at: Date) => Date, steps = 5_000): Generator<Date> {
  const random = seededRandom(seed);
  let at = Date.parse('2026-03-06T03:00:00Z');
  for (let i = 0; i < steps; i++) {
    const roll = random();
    if (roll < 0.9) at += Math.floor(random() * 10 * MINUTE);
    else if (roll < 0.95) at = next(new Date(at)).getTime() - Math.floor(random() * 2);
    else if (roll < 0.98) at -= Math.floor(random() * 3 * DAY);
    else at += Math.floor(random() * 5 * DAY);
    yield new Date(at);
  }
}

describe('memoNextInstant', () => {
  it.each([
    ['the next New York midnight', midnightFromScratch],
    ['the next morning alert', alertFromScratch],
  ])('answers exactly as %s from scratch, along a clock that steps, jumps and goes back', (_name, next) => {
    let calls = 0;
    const memo = memoNextInstant((at) => {
      calls += 1;
      return next(at);
    });
    let steps = 0;
    for (const at of walk(20260310, next)) {
      steps += 1;
      expect(memo(at).toISOString()).toBe(next(at).toISOString());
    }
    // Worked out about once per interval, not once per request.
    expect(calls).toBeLessThan(steps / 5);
  });

  it('keeps several intervals: callers asking about different days do not evict one another', () => {
    let calls = 0;
    const memo = memoNextInstant((at) => {
      calls += 1;
      return midnightFromScratch(at);
    }, 2);
    const today = Date.parse('2026-03-10T14:00:00Z');
    for (let i = 0; i < 100; i++) {
      expect(memo(new Date(today + i * MINUTE)).toISOString()).toBe('2026-03-11T04:00:00.000Z');
      expect(memo(new Date(today - DAY)).toISOString()).toBe('2026-03-10T04:00:00.000Z'); // yesterday's token
    }
    expect(calls).toBe(2);
  });

  it('hands each caller its own Date', () => {
    const memo = memoNextInstant(midnightFromScratch);
    const first = memo(new Date('2026-03-10T14:00:00Z'));
    first.setTime(0);
    expect(memo(new Date('2026-03-10T14:00:00Z')).toISOString()).toBe('2026-03-11T04:00:00.000Z');
  });
});

describe('nextNewYorkMidnight (memoised)', () => {
  it('matches the from-scratch answer for `now` interleaved with the issue times of several tokens', () => {
    const random = seededRandom(7);
    for (const now of walk(11, midnightFromScratch, 3_000)) {
      const issuedAt = new Date(now.getTime() - Math.floor(random() * 3 * DAY));
      for (const at of [now, issuedAt, now.getTime()]) {
        const date = new Date(at);
        expect(nextNewYorkMidnight(at).toISOString()).toBe(midnightFromScratch(date).toISOString());
      }
    }
  });
});
