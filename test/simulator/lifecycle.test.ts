import { Harness, problemOf } from './harness';

const HOUR = 60 * 60_000;
const LIST = '/v1/accounts/list.json';

let h: Harness;
afterEach(() => h.close());

async function startAt(iso: string): Promise<Harness> {
  h = await new Harness(iso).start();
  return h;
}

describe('access token lifecycle on the injected clock', () => {
  it('goes idle after 2 h without calls; renew revives it; calls keep it active', async () => {
    await startAt('2026-06-15T14:00:00Z'); // 10:00 EDT
    const access = await h.connect();
    h.advance(2 * HOUR - 1);
    expect(h.sim.tokenState(access.token)).toBe('active');
    expect((await h.call(LIST, { token: access })).status).toBe(200); // activity resets the 2 h
    h.advance(2 * HOUR - 1);
    expect(h.sim.tokenState(access.token)).toBe('active');
    h.advance(1);
    expect(h.sim.tokenState(access.token)).toBe('idle');

    const idle = await h.call(LIST, { token: access });
    expect(idle.status).toBe(401);
    expect(JSON.parse(idle.text).Error.message).toBe('oauth_problem=token_inactive');
    expect(h.sim.tokenState(access.token)).toBe('idle'); // a refused call is no activity

    const renew = await h.call('/oauth/renew_access_token', { token: access });
    expect(renew).toMatchObject({ status: 200, text: 'Access Token has been renewed' });
    expect(h.sim.tokenState(access.token)).toBe('active');
    expect((await h.call(LIST, { token: access })).status).toBe(200);
  });

  it('expires at the next New York midnight; renew cannot revive it', async () => {
    await startAt('2026-06-15T14:00:00Z');
    const access = await h.connect();
    h.now = Date.parse('2026-06-16T04:00:00Z'); // midnight EDT
    expect(h.sim.tokenState(access.token)).toBe('expired');
    const renew = await h.call('/oauth/renew_access_token', { token: access });
    expect(renew.status).toBe(401);
    expect(problemOf(renew)).toBe('token_expired');
    expect(renew.headers.get('www-authenticate')).toBe('OAuth realm="",oauth_problem=token_expired');
    const data = await h.call(LIST, { token: access });
    expect(JSON.parse(data.text).Error.message).toBe('oauth_problem=token_expired');
    const revoke = await h.call('/oauth/revoke_access_token', { token: access });
    expect(problemOf(revoke)).toBe('token_expired');
  });

  it('issued 23:30 EST on 2026-03-07 (DST starts next day) → dies 2026-03-08T05:00:00Z', async () => {
    await startAt('2026-03-08T04:30:00Z');
    const access = await h.connect();
    h.now = Date.parse('2026-03-08T05:00:00Z') - 1;
    expect(h.sim.tokenState(access.token)).toBe('active');
    expect((await h.call('/oauth/renew_access_token', { token: access })).status).toBe(200);
    h.advance(1);
    expect(h.sim.tokenState(access.token)).toBe('expired');
    expect(problemOf(await h.call('/oauth/renew_access_token', { token: access }))).toBe('token_expired');
  });

  it('issued 00:30 EDT on 2026-11-01 (DST ends that day) → dies 2026-11-02T05:00:00Z', async () => {
    await startAt('2026-11-01T04:30:00Z');
    const access = await h.connect();
    h.now = Date.parse('2026-11-02T05:00:00Z') - 1;
    expect(h.sim.tokenState(access.token)).toBe('idle'); // idle long before, but not yet dead
    expect((await h.call('/oauth/renew_access_token', { token: access })).status).toBe(200);
    expect(h.sim.tokenState(access.token)).toBe('active');
    h.advance(1);
    expect(h.sim.tokenState(access.token)).toBe('expired');
    expect(problemOf(await h.call('/oauth/renew_access_token', { token: access }))).toBe('token_expired');
  });

  it('revoked beats everything and unknown tokens are unknown', async () => {
    await startAt('2026-06-15T14:00:00Z');
    const access = await h.connect();
    expect((await h.call('/oauth/revoke_access_token', { token: access })).status).toBe(200);
    expect(problemOf(await h.call('/oauth/renew_access_token', { token: access }))).toBe('token_rejected');
    expect(problemOf(await h.call('/oauth/revoke_access_token', { token: access }))).toBe('token_rejected');
    expect(h.sim.tokenState('never-issued')).toBe('unknown');
    const requestToken = await h.requestToken();
    expect(h.sim.tokenState(requestToken.token)).toBe('unknown'); // a request token is not an access token
  });
});
