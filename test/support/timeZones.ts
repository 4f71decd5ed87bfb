import { runInThisContext } from 'node:vm';
import { getTimezoneOffset } from 'date-fns-tz';

/**
 * Process time zones every date-sensitive test runs under: UTC (Cloud Functions), New York itself,
 * a zone a calendar day ahead of New York (Tokyo), a southern-hemisphere zone whose DST runs opposite
 * to New York's (Santiago) and one with a 30-minute DST shift (Lord Howe).
 */
export const TEST_TIME_ZONES = [
  'UTC',
  'America/New_York',
  'Asia/Tokyo',
  'America/Santiago',
  'Australia/Lord_Howe',
] as const;
export type TestTimeZone = (typeof TEST_TIME_ZONES)[number];

/**
 * Jest gives each test file a *copy* of process.env, so `process.env.TZ = 'Asia/Tokyo'` in a test
 * never reaches Node, which re-reads TZ only when its real environment is assigned: the tests would
 * silently run in one zone. `runInThisContext` evaluates in the worker's own context, outside
 * Jest's sandbox, so this is the worker's real `process` (the same object when run without Jest).
 */
const hostProcess = runInThisContext('process') as NodeJS.Process;

/** Sets (or, given undefined, unsets) the process time zone and checks that Date really follows it. */
export function setProcessTimeZone(timeZone: string | undefined): void {
  for (const env of new Set([hostProcess.env, process.env])) {
    if (timeZone === undefined) delete env.TZ;
    else env.TZ = timeZone;
  }
  if (timeZone === undefined) return;
  // A January and a July instant: one of them is in DST wherever DST exists.
  for (const probe of [Date.UTC(2026, 0, 15), Date.UTC(2026, 6, 15)]) {
    const localOffsetMs = -new Date(probe).getTimezoneOffset() * 60_000;
    if (localOffsetMs !== getTimezoneOffset(timeZone, probe)) {
      throw new Error(`process time zone did not switch to ${timeZone}; Date still uses another zone`);
    }
  }
}

/** The process time zone as the real environment states it (undefined = the system default). */
export function processTimeZone(): string | undefined {
  return hostProcess.env.TZ;
}

/** Runs a synchronous `fn` with the process in `timeZone`, restoring the previous zone even if it throws. */
export function withTimeZone<T>(timeZone: string, fn: () => T): T {
  const previous = processTimeZone();
  setProcessTimeZone(timeZone);
  try {
    return fn();
  } finally {
    setProcessTimeZone(previous);
  }
}

/**
 * Declares `define`'s tests once per TEST_TIME_ZONES entry, inside `describe('TZ=…')` blocks whose
 * beforeAll/afterAll switch the process zone and restore it. Do date work inside `it` bodies, not in
 * `define` itself: `define` runs while Jest collects tests, before any zone is switched.
 */
export function forEachTimeZone(define: (timeZone: TestTimeZone) => void): void {
  describe.each(TEST_TIME_ZONES)('TZ=%s', (timeZone) => {
    let previous: string | undefined;
    beforeAll(() => {
      previous = processTimeZone();
      setProcessTimeZone(timeZone);
    });
    afterAll(() => setProcessTimeZone(previous));
    define(timeZone);
  });
}
