import { World } from './support/world';

const MINUTE = 60_000;
const WEDNESDAY_0830_ET = '2026-11-25T13:30:00Z';

/**
 * E*TRADE refuses a timestamp more than 5 minutes off its clock and names the range it accepts
 * (`timestamp_refused,oauth_acceptable_timestamps=A-B`). Through the deployed functions: the client
 * learns the offset from that range once, retries, and keeps it for the instance's later calls; a
 * refusal it cannot correct reaches the page as a 502 ERR_CLOCK_SKEW.
 */
describe('clock skew against E*TRADE, through the functions', () => {
  let world: World;

  afterEach(async () => {
    await world.close();
  });

  const refusals = () => world.etrade.sim.requests.filter((r) => r.problem === 'timestamp_refused');
  const requestToken = () =>
    world.fx.call('requestToken', '/api/request-token', {
      body: { connection: 'prod' },
      credentials: world.trader,
    });

  it('a system clock 20 min behind: corrected from the refusal, retried, and kept for later calls', async () => {
    world = await World.local({ startAt: WEDNESDAY_0830_ET, clockSkewMs: -20 * MINUTE });

    const started = await requestToken();
    expect(started.status).toBe(201);
    expect(world.etrade.sim.requests.map((r) => [r.path, r.status, r.problem])).toEqual([
      ['/oauth/request_token', 401, 'timestamp_refused'],
      ['/oauth/request_token', 200, undefined],
    ]);
    expect(world.events('etrade.clock_corrected')).toEqual([
      expect.objectContaining({ severity: 'WARNING', offsetSeconds: 20 * 60 }),
    ]);

    // The rest of the instance's life signs with the learned offset: PIN exchange, keep-alive, force.
    expect(await world.renew()).toBe(1);
    world.advance(121 * MINUTE);
    expect(await world.fx.deliver('keepAlive', {})).toBe(204);
    const forced = await world.fx.call('actions', '/keepalive/force', {
      body: {},
      credentials: world.trader,
    });
    expect(forced.body).toMatchObject({ counts: expect.objectContaining({ touched: 1 }) });
    expect(refusals()).toHaveLength(1);
    expect(world.events('etrade.clock_corrected')).toHaveLength(1);
    const record = await world.ctx.ledger.get('prod');
    expect(record.keepAlive).toMatchObject({ lastOutcome: 'touched', failureStreak: 0 });
  });

  it('a clock ahead by 20 min is corrected the same way', async () => {
    world = await World.local({ startAt: WEDNESDAY_0830_ET, clockSkewMs: 20 * MINUTE });
    expect((await requestToken()).status).toBe(201);
    expect(world.events('etrade.clock_corrected')).toEqual([
      expect.objectContaining({ offsetSeconds: -20 * 60 }),
    ]);
    expect(refusals()).toHaveLength(1);
  });

  it('a refusal that persists after the correction is a 502 ERR_CLOCK_SKEW, after exactly one retry', async () => {
    world = await World.local({ startAt: WEDNESDAY_0830_ET, clockSkewMs: -20 * MINUTE });
    world.etrade.sim.inject({
      kind: 'problem',
      problem: 'timestamp_refused',
      times: Infinity,
      path: '/oauth/',
    });

    const answer = await requestToken();
    expect(answer).toMatchObject({
      status: 502,
      body: {
        error: {
          code: 'ERR_CLOCK_SKEW',
          message:
            "E*TRADE refused our server's clock. Try again in a few minutes; if it persists, check the server's time.",
          details: { operation: 'request_token' },
        },
      },
    });
    expect(refusals()).toHaveLength(2);
    expect(world.events('etrade.clock_corrected')).toHaveLength(1);
  });

  it('a refusal whose range agrees with our clock cannot be corrected: 502 ERR_CLOCK_SKEW, no retry', async () => {
    world = await World.local({ startAt: WEDNESDAY_0830_ET });
    world.etrade.sim.inject({ kind: 'problem', problem: 'timestamp_refused', path: '/oauth/request_token' });

    const answer = await requestToken();
    expect(answer).toMatchObject({ status: 502, body: { error: { code: 'ERR_CLOCK_SKEW' } } });
    expect(refusals()).toHaveLength(1);
    expect(world.events('etrade.clock_corrected')).toEqual([]);
    // Nothing was stored: the next request (fault spent) simply works.
    expect((await requestToken()).status).toBe(201);
  });
});
