import { Fault } from '../../shared/simulator';
import { Harness, problemOf } from './harness';
import { TokenPair } from './signRequest';

const LIST = '/v1/accounts/list.json';
const RENEW = '/oauth/renew_access_token';

let h: Harness;
let access: TokenPair;
beforeEach(async () => {
  h = await new Harness('2026-06-15T14:00:00Z').start();
  access = await h.connect();
});
afterEach(() => h.close());

describe('injected faults', () => {
  it.each([500, 502, 503] as const)('status %i: an HTML page, once by default', async (status) => {
    h.sim.inject({ kind: 'status', status });
    const failed = await h.call(LIST, { token: access });
    expect(failed.status).toBe(status);
    expect(failed.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await h.call(LIST, { token: access })).status).toBe(200);
  });

  it('times and path scope: a string prefix or a RegExp on the path', async () => {
    h.sim.inject({ kind: 'status', status: 503, times: 2, path: '/v1/' });
    expect((await h.call(RENEW, { token: access })).status).toBe(200); // not in scope, not spent
    expect((await h.call(LIST, { token: access })).status).toBe(503);
    expect((await h.call(LIST, { token: access })).status).toBe(503);
    expect((await h.call(LIST, { token: access })).status).toBe(200);

    h.sim.inject({ kind: 'status', status: 500, path: /renew/ });
    expect((await h.call(LIST, { token: access })).status).toBe(200);
    expect((await h.call(RENEW, { token: access })).status).toBe(500);
  });

  it('times: Infinity lasts until clearFaults()', async () => {
    h.sim.inject({ kind: 'rateLimit', times: Infinity });
    for (let i = 0; i < 3; i++) expect((await h.call(LIST, { token: access })).status).toBe(400);
    h.sim.clearFaults();
    expect((await h.call(LIST, { token: access })).status).toBe(200);
  });

  it('rateLimit: HTTP 400 HTML "Number of requests exceeded the rate limit set"', async () => {
    h.sim.inject({ kind: 'rateLimit' });
    const answer = await h.call(LIST, { token: access });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toContain('Number of requests exceeded the rate limit set');
  });

  it('delay: answers normally after the delay', async () => {
    h.sim.inject({ kind: 'delay', ms: 120 });
    const started = performance.now();
    expect((await h.call(LIST, { token: access })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('delay: long enough for a client timeout', async () => {
    h.sim.inject({ kind: 'delay', ms: 250 });
    const url = `${h.sim.url}/oauth/request_token`;
    await expect(fetch(url, { signal: AbortSignal.timeout(40) })).rejects.toThrow(/timeout|aborted/i);
  });

  it('reset: the socket is destroyed without an answer', async () => {
    h.sim.inject({ kind: 'reset', path: '/v1/' });
    await expect(h.call(LIST, { token: access })).rejects.toThrow();
    expect(h.sim.requests.at(-1)).toEqual({ method: 'GET', path: LIST, status: 0 });
    expect((await h.call(LIST, { token: access })).status).toBe(200);
  });

  it('problem: the endpoint error form, HTML on /oauth and JSON on /v1', async () => {
    h.sim.inject({ kind: 'problem', problem: 'token_rejected', path: '/oauth/' });
    const oauth = await h.call(RENEW, { token: access });
    expect(oauth.status).toBe(401);
    expect(problemOf(oauth)).toBe('token_rejected');
    expect(oauth.headers.get('www-authenticate')).toBe('OAuth realm="",oauth_problem=token_rejected');

    h.sim.inject({ kind: 'problem', problem: 'consumer_key_rejected' });
    const api = await h.call(LIST, { token: access });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.text).Error.message).toBe('oauth_problem=consumer_key_rejected');

    h.sim.inject({ kind: 'problem', problem: 'timestamp_refused' });
    const skew = await h.call(RENEW, { token: access });
    expect(skew.text).toContain(`oauth_acceptable_timestamps=${h.nowS - 300}-${h.nowS + 300}`);
    expect(h.sim.tokenState(access.token)).toBe('active'); // a faked answer changes nothing
  });

  it('renewButDead: renew says 200 but the token stays dead (rejected by default)', async () => {
    h.sim.inject({ kind: 'renewButDead' });
    expect((await h.call(LIST, { token: access })).status).toBe(200); // only renew spends it
    const renew = await h.call(RENEW, { token: access });
    expect(renew).toMatchObject({ status: 200, text: 'Access Token has been renewed' });
    expect(JSON.parse((await h.call(LIST, { token: access })).text).Error.message).toBe(
      'oauth_problem=token_rejected',
    );
  });

  it('renewButDead as token_expired', async () => {
    h.sim.inject({ kind: 'renewButDead', dead: 'token_expired' });
    expect((await h.call(RENEW, { token: access })).status).toBe(200);
    expect(h.sim.tokenState(access.token)).toBe('expired');
    expect(JSON.parse((await h.call(LIST, { token: access })).text).Error.message).toBe(
      'oauth_problem=token_expired',
    );
  });

  it.each<[string, Fault]>([
    ['bad status', { kind: 'status', status: 404 as 500 }],
    ['negative delay', { kind: 'delay', ms: -1 }],
    ['zero times', { kind: 'reset', times: 0 }],
    ['unknown problem', { kind: 'problem', problem: 'nope' as 'token_rejected' }],
    ['unknown kind', { kind: 'meteor' } as unknown as Fault],
  ])('refuses an invalid fault at inject(): %s', (_, fault) => {
    expect(() => h.sim.inject(fault)).toThrow(expect.objectContaining({ code: 'ERR_SIM_INVALID_FAULT' }));
  });
});
