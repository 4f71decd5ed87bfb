import { httpHandler } from '../../shared/http';
import { CANARY, fuzzRoute } from '../support/fuzzHttp';
import { sampleRoutes } from './sampleRoutes';
import { captureLog, serve, type Served } from './server';

const captured = captureLog();
let served: Served;

beforeAll(async () => {
  served = await serve('fuzzTest', httpHandler(sampleRoutes, { log: captured.log }));
});
afterAll(() => served.close());

describe('fuzzing POST /pin through functions-framework', () => {
  it('answers 2,000 hostile requests without a 5xx, and every error of ours as JSON', async () => {
    const report = await fuzzRoute({
      baseUrl: served.baseUrl,
      path: '/pin',
      method: 'POST',
      count: 2000,
      seed: 20240607,
    });

    // eslint-disable-next-line no-console -- the histogram is the point of a fuzz run
    console.log(JSON.stringify({ ...report, violations: report.violations.length }, null, 1));
    expect(report.violations).toEqual([]);
    expect(report.total).toBe(2000);
    expect(Object.keys(report.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    // The fuzz must reach our code, not only bounce off the framework.
    expect(report.outcomes.handled).toBeGreaterThan(1000);
    // Known framework limitation, counted rather than hidden (shared/http/request.ts).
    expect(report.malformedJsonHtml400).toBeGreaterThan(0);
    // One log line per request we answered, never a secret the fuzz sent.
    expect(captured.lines.length).toBe(report.outcomes.handled);
    expect(captured.lines.join('\n')).not.toContain(CANARY);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
