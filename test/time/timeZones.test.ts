import {
  TEST_TIME_ZONES,
  forEachTimeZone,
  processTimeZone,
  setProcessTimeZone,
  withTimeZone,
} from '../support/timeZones';

// getTimezoneOffset() is minutes *behind* UTC: New York in January is +300, Tokyo is -540.
const EXPECTED_OFFSETS: Record<(typeof TEST_TIME_ZONES)[number], { january: number; july: number }> = {
  UTC: { january: 0, july: 0 },
  'America/New_York': { january: 300, july: 240 },
  'Asia/Tokyo': { january: -540, july: -540 },
  'America/Santiago': { january: 180, july: 240 },
  'Australia/Lord_Howe': { january: -660, july: -630 },
};

const zoneAtLoad = processTimeZone();
const offsetAtLoad = new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset();

describe('forEachTimeZone', () => {
  // Regression: Jest's test sandbox copies process.env, so assigning process.env.TZ there changed
  // nothing and every "multi-zone" test ran in the worker's zone.
  forEachTimeZone((timeZone) => {
    it('really moves Date and Intl into the zone', () => {
      expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).toBe(EXPECTED_OFFSETS[timeZone].january);
      expect(new Date(Date.UTC(2026, 6, 15)).getTimezoneOffset()).toBe(EXPECTED_OFFSETS[timeZone].july);
      expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(timeZone);
      expect(processTimeZone()).toBe(timeZone);
      expect(process.env.TZ).toBe(timeZone);
    });
  });

  it('restores the zone the worker had before', () => {
    expect(processTimeZone()).toBe(zoneAtLoad);
    expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).toBe(offsetAtLoad);
  });
});

describe('withTimeZone', () => {
  it('switches for the callback only, even when it throws', () => {
    expect(withTimeZone('Asia/Tokyo', () => new Date(0).getTimezoneOffset())).toBe(-540);
    expect(() =>
      withTimeZone('America/Santiago', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(processTimeZone()).toBe(zoneAtLoad);
    expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).toBe(offsetAtLoad);
  });

  it('refuses a zone Date does not follow instead of running the test in the wrong zone', () => {
    expect(() => setProcessTimeZone('Not/A_Zone')).toThrow('process time zone did not switch to Not/A_Zone');
    setProcessTimeZone(zoneAtLoad);
    expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).toBe(offsetAtLoad);
  });
});
