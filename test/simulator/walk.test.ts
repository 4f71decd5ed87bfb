import { Harness, tokenPair } from './harness';

// 2026-06-15 10:00 New York (EDT), a plain weekday.
const START = '2026-06-15T14:00:00Z';

let h: Harness;
beforeEach(async () => {
  h = await new Harness(START).start();
});
afterEach(() => h.close());

function attribute(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no hidden field ${name}`);
  return value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe('a full connection walk over real sockets', () => {
  it('request token → login page → PIN → access token → data → renew → revoke', async () => {
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m),
    );

    const requestAnswer = await h.call('/oauth/request_token', { oauth: { oauth_callback: 'oob' } });
    expect(requestAnswer.status).toBe(200);
    expect(requestAnswer.text).toMatch(
      /^oauth_token=[^&]+&oauth_token_secret=[^&]+&oauth_callback_confirmed=true$/,
    );
    const requestToken = tokenPair(requestAnswer.text);

    // The browser part: GET the page, find the button, post the form it describes.
    const pageUrl =
      `${h.sim.authorizeUrlBase}?key=${encodeURIComponent('test-consumer-key')}` +
      `&token=${encodeURIComponent(requestToken.token)}`;
    const page = await fetch(pageUrl);
    const pageHtml = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(pageHtml).toMatch(/^<!DOCTYPE html>/);
    expect(pageHtml).toContain('id="login"');
    const action = /<form method="post" action="([^"]+)"/.exec(pageHtml)?.[1] ?? '';
    const form = new URLSearchParams({
      key: attribute(pageHtml, 'key'),
      token: attribute(pageHtml, 'token'),
    });
    const login = await fetch(`${h.sim.url}${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const loginHtml = await login.text();
    expect(login.status).toBe(200);
    const pin = /<code id="pin">([^<]*)<\/code>/.exec(loginHtml)?.[1] ?? '';
    expect(pin).toMatch(/^[A-Z0-9]{5}$/);

    const accessAnswer = await h.accessToken(requestToken, pin);
    expect(accessAnswer.status).toBe(200);
    expect(accessAnswer.text).toMatch(/^oauth_token=[^&]+&oauth_token_secret=[^&]+$/);
    const access = tokenPair(accessAnswer.text);
    expect(h.sim.tokenState(access.token)).toBe('active');

    const byAccept = await h.call('/v1/accounts/list', {
      token: access,
      headers: { Accept: 'application/json' },
    });
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers.get('content-type')).toMatch(/^application\/json/);
    const accounts = JSON.parse(byAccept.text).AccountListResponse.Accounts.Account;
    expect(
      accounts.filter((a: { accountStatus: string }) => a.accountStatus === 'ACTIVE').length,
    ).toBeGreaterThanOrEqual(2);
    expect(accounts.some((a: { accountStatus: string }) => a.accountStatus === 'CLOSED')).toBe(true);
    for (const account of accounts) {
      expect(Object.keys(account).sort()).toEqual(
        [
          'accountDesc',
          'accountId',
          'accountIdKey',
          'accountMode',
          'accountName',
          'accountStatus',
          'accountType',
          'institutionType',
        ].sort(),
      );
      expect(account.institutionType).toBe('BROKERAGE');
    }

    const bySuffix = await h.call('/v1/accounts/list.json', { token: access });
    expect(bySuffix.status).toBe(200);
    expect(JSON.parse(bySuffix.text)).toEqual(JSON.parse(byAccept.text));

    const key = accounts[0].accountIdKey as string;
    const balance = await h.call(`/v1/accounts/${key}/balance?instType=BROKERAGE&realTimeNAV=true`, {
      token: access,
      headers: { Accept: 'application/json' },
    });
    expect(balance.status).toBe(200);
    const computed = JSON.parse(balance.text).BalanceResponse.Computed;
    expect(computed.RealTimeValues.totalAccountValue).toEqual(expect.any(Number));
    expect(computed.RealTimeValues.netMv).toEqual(expect.any(Number));
    expect(computed.cashBuyingPower).toEqual(expect.any(Number));
    expect(computed.marginBuyingPower).toEqual(expect.any(Number));
    expect(JSON.parse(balance.text).BalanceResponse.accountId).toBe(accounts[0].accountId);

    const renew = await h.call('/oauth/renew_access_token', { token: access });
    expect(renew).toMatchObject({ status: 200, text: 'Access Token has been renewed' });

    const revoke = await h.call('/oauth/revoke_access_token', { token: access });
    expect(revoke).toMatchObject({ status: 200, text: 'Revoked Access Token' });
    expect(h.sim.tokenState(access.token)).toBe('revoked');

    const after = await h.call('/v1/accounts/list.json', { token: access });
    expect(after.status).toBe(401);
    expect(JSON.parse(after.text)).toEqual({
      Error: { code: expect.any(Number), message: 'oauth_problem=token_rejected' },
    });

    // The log names what happened without a query string, a token or a secret.
    const log = JSON.stringify(h.sim.requests);
    for (const secret of [
      requestToken.token,
      requestToken.secret,
      access.token,
      access.secret,
      pin,
      'test+consumer',
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(h.sim.requests.every((entry) => !entry.path.includes('?'))).toBe(true);
    expect(h.sim.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/v1/accounts/list.json',
      status: 401,
      problem: 'token_rejected',
    });
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  });

  it('answers XML without Accept: application/json', async () => {
    const access = await h.connect();
    const answer = await h.call('/v1/accounts/list', { token: access });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(answer.text).toContain('<AccountListResponse><Accounts><Account><accountId>');
    expect(answer.text.match(/<Account>/g)).toHaveLength(3);
  });

  it('balance: .json suffix, unknown account key 404, instType required', async () => {
    const access = await h.connect();
    const ok = await h.call(
      '/v1/accounts/vQMsD1M5dnZ8XbS_eRm_bQ/balance.json?instType=BROKERAGE&realTimeNAV=true',
      {
        token: access,
      },
    );
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).BalanceResponse.Computed.cashBuyingPower).toEqual(expect.any(Number));

    const unknown = await h.call('/v1/accounts/nope/balance.json?instType=BROKERAGE', { token: access });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).Error).toEqual({ code: expect.any(Number), message: expect.any(String) });

    const noType = await h.call('/v1/accounts/vQMsD1M5dnZ8XbS_eRm_bQ/balance.json', { token: access });
    expect(noType.status).toBe(400);
  });

  it('authorize page refuses an unencoded token, a wrong key and an unknown token with a 400 page', async () => {
    const { token } = await h.requestToken();
    const base = h.sim.authorizeUrlBase;
    const raw = await fetch(`${base}?key=test-consumer-key&token=${token}`); // `+` arrives as a space
    expect(raw.status).toBe(400);
    expect(await raw.text()).toContain('percent-encoded');
    const wrongKey = await fetch(`${base}?key=other&token=${encodeURIComponent(token)}`);
    expect(wrongKey.status).toBe(400);
    const unknown = await fetch(`${base}?key=test-consumer-key&token=abc`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('unknown paths are 404 and wrong methods 405', async () => {
    expect((await fetch(`${h.sim.url}/nothing/here`)).status).toBe(404);
    expect((await h.call('/v1/accounts/nothing')).status).toBe(404);
    const post = await fetch(`${h.sim.url}/oauth/request_token`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('approve() refuses unknown tokens with a coded error', async () => {
    expect(() => h.sim.approve('nope')).toThrow(
      expect.objectContaining({ code: 'ERR_SIM_REQUEST_TOKEN_UNKNOWN' }),
    );
  });
});
