import { CONSUMER, Harness, problemOf, rawGet } from './harness';
import { TokenPair, authorizationHeader, headerFrom, oauthParams } from './signRequest';

const START = '2026-06-15T14:00:00Z';
const LIST = '/v1/accounts/list.json';

let h: Harness;
let access: TokenPair;
beforeEach(async () => {
  h = await new Harness(START).start();
  access = await h.connect();
});
afterEach(() => h.close());

/** An OAuth-endpoint failure: status, HTML body and WWW-Authenticate all name the problem. */
function expectOAuthProblem(
  answer: { status: number; headers: Headers; text: string },
  status: number,
  problem: string,
) {
  expect(answer.status).toBe(status);
  expect(problemOf(answer)).toBe(problem);
  expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
  expect(answer.headers.get('www-authenticate')).toMatch(
    new RegExp(`^OAuth realm="",oauth_problem=${problem}\\b`),
  );
}

/** A wrong PIN at access_token, as E*TRADE answers it: 401, token_rejected in the HTML body only. */
function expectWrongVerifier(answer: { status: number; headers: Headers; text: string }) {
  expect(answer.status).toBe(401);
  expect(problemOf(answer)).toBe('token_rejected');
  expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
  expect(answer.headers.get('www-authenticate')).toBeNull();
}

function expectApiProblem(answer: { status: number; text: string }, status: number, problem: string) {
  expect(answer.status).toBe(status);
  expect(JSON.parse(answer.text)).toEqual({
    Error: {
      code: expect.any(Number),
      message: expect.stringMatching(new RegExp(`^oauth_problem=${problem}\\b`)),
    },
  });
}

describe('signature verification', () => {
  it('rejects a wrong consumer secret', async () => {
    const answer = await h.call(LIST, { token: access, consumer: { ...CONSUMER, secret: 'wrong' } });
    expectApiProblem(answer, 401, 'signature_invalid');
    expectOAuthProblem(
      await h.call('/oauth/request_token', {
        consumer: { ...CONSUMER, secret: 'wrong' },
        oauth: { oauth_callback: 'oob' },
      }),
      401,
      'signature_invalid',
    );
  });

  it('rejects a signature over a tampered query parameter', async () => {
    const path = '/v1/accounts/JIdOIAcSpwR1Jva7RQBraQ/balance.json?instType=BROKERAGE&realTimeNAV=false';
    const answer = await h.call(path, {
      token: access,
      signedParams: { instType: 'BROKERAGE', realTimeNAV: 'true' },
    });
    expectApiProblem(answer, 401, 'signature_invalid');
  });

  it('a wrong token secret is signature_invalid; an unknown token is token_rejected', async () => {
    expectApiProblem(await h.call(LIST, { token: { ...access, secret: 'x' } }), 401, 'signature_invalid');
    expectApiProblem(
      await h.call(LIST, { token: { token: 'never-issued', secret: 'x' } }),
      401,
      'token_rejected',
    );
  });

  it('+ in a query is a space: signed over the space verifies, signed over a literal + fails', async () => {
    const path = '/v1/accounts/list.json?note=a+b';
    expect((await h.call(path, { token: access, signedParams: { note: 'a b' } })).status).toBe(200);
    expectApiProblem(
      await h.call(path, { token: access, signedParams: { note: 'a+b' } }),
      401,
      'signature_invalid',
    );
    // %2B on the wire is a real plus and must be signed as one.
    expect(
      (await h.call('/v1/accounts/list.json?note=a%2Bb', { token: access, signedParams: { note: 'a+b' } }))
        .status,
    ).toBe(200);
  });

  it('normalises the base string URI: lowercase host, no default port', async () => {
    const port = new URL(h.sim.url).port;
    const sign = (signedUrl: string) =>
      authorizationHeader({ url: signedUrl, consumer: CONSUMER, token: access, timestampS: h.nowS });
    // The Host header says LOCALHOST:80; the signer must sign http://localhost/… .
    const url = `http://127.0.0.1:${port}${LIST}`;
    const good = await rawGet(url, { Host: 'LOCALHOST:80', Authorization: sign(`http://localhost${LIST}`) });
    expect(good.status).toBe(200);
    const withPort = sign(`http://localhost:8080${LIST}`); // URL keeps a non-default port, so this one is wrong
    expect((await rawGet(url, { Host: 'LOCALHOST:80', Authorization: withPort })).status).toBe(401);
  });
});

describe('the checks before the signature, in order', () => {
  it('unknown consumer key → consumer_key_rejected', async () => {
    const stranger = { key: 'stranger', secret: 's' };
    expectOAuthProblem(
      await h.call('/oauth/request_token', { consumer: stranger, oauth: { oauth_callback: 'oob' } }),
      401,
      'consumer_key_rejected',
    );
    expectApiProblem(await h.call(LIST, { consumer: stranger, token: access }), 401, 'consumer_key_rejected');
  });

  it('PLAINTEXT → signature_method_rejected', async () => {
    const answer = await h.call(LIST, { token: access, oauth: { oauth_signature_method: 'PLAINTEXT' } });
    expectApiProblem(answer, 400, 'signature_method_rejected');
  });

  it.each([301, -301])(
    'timestamp %i s off → timestamp_refused with a range around the clock',
    async (offset) => {
      const answer = await h.call('/oauth/renew_access_token', {
        token: access,
        timestampS: h.nowS + offset,
      });
      expectOAuthProblem(answer, 401, 'timestamp_refused');
      const [, from, to] = /oauth_acceptable_timestamps=(\d+)-(\d+)/.exec(answer.text) ?? [];
      expect(Number(from)).toBeLessThanOrEqual(h.nowS);
      expect(Number(to)).toBeGreaterThanOrEqual(h.nowS);
      expect(answer.headers.get('www-authenticate')).toContain(`oauth_acceptable_timestamps=${from}-${to}`);
      expect(
        (await h.call(LIST, { token: access, timestampS: h.nowS + offset - Math.sign(offset) })).status,
      ).toBe(200);
      h.advance(999); // mid-second, the boundary still agrees with the reported range
      expect((await h.call(LIST, { token: access, timestampS: Number(from) })).status).toBe(200);
      expect((await h.call(LIST, { token: access, timestampS: Number(to) })).status).toBe(200);
    },
  );

  it('a reused nonce → nonce_used, but a forged request does not burn the nonce', async () => {
    expectApiProblem(
      await h.call(LIST, { token: access, nonce: 'n-1', consumer: { ...CONSUMER, secret: 'bad' } }),
      401,
      'signature_invalid',
    );
    expect((await h.call(LIST, { token: access, nonce: 'n-1' })).status).toBe(200);
    h.advance(1000);
    expectApiProblem(await h.call(LIST, { token: access, nonce: 'n-1' }), 401, 'nonce_used');
  });

  it('request_token needs oauth_callback=oob in the header', async () => {
    expectOAuthProblem(await h.call('/oauth/request_token'), 400, 'parameter_absent');
    expectOAuthProblem(
      await h.call('/oauth/request_token', { oauth: { oauth_callback: 'http://example.com/cb' } }),
      400,
      'parameter_rejected',
    );
    // In the query instead of the header (ETRADE.md trap 2).
    expectOAuthProblem(
      await h.call('/oauth/request_token?oauth_callback=oob', { signedParams: { oauth_callback: 'oob' } }),
      400,
      'parameter_absent',
    );
  });

  it('header parsing: missing, duplicated, unencoded, unknown params and versions', async () => {
    expectApiProblem(await h.call(LIST, { unsigned: true }), 400, 'parameter_absent');
    expectApiProblem(await h.call(LIST, { token: access, omit: ['oauth_nonce'] }), 400, 'parameter_absent');
    const url = `${h.sim.url}${LIST}`;
    const params = oauthParams({ url, consumer: CONSUMER, token: access, timestampS: h.nowS });
    const send = async (authorization: string) => fetch(url, { headers: { Authorization: authorization } });
    const header = headerFrom(params);
    expect((await send(header.replace(/,/g, ', '))).status).toBe(200); // spaces after commas are fine
    const again = oauthParams({ url, consumer: CONSUMER, token: access, timestampS: h.nowS });
    expect((await send(`${headerFrom(again)},oauth_nonce="other"`)).status).toBe(400); // duplicate
    const raw = `OAuth realm="",${Object.entries(again)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}`;
    expect(again.oauth_token).toMatch(/[+/=]/);
    expect((await send(raw)).status).toBe(400); // values not percent-encoded
    expect((await send(`${header},`)).status).toBe(400); // trailing comma
    expect((await send(header.replace('OAuth ', 'Basic '))).status).toBe(400);
    // Protocol parameters belong in the header only, never also in the query (ETRADE.md trap 2).
    const split = await h.call(`${LIST}?oauth_extra_nonce=x`, { token: access });
    expectApiProblem(split, 400, 'parameter_rejected');
    const extra = await h.call(LIST, { token: access, oauth: { oauth_extra: 'x' } });
    expectApiProblem(extra, 400, 'parameter_rejected');
    expectApiProblem(
      await h.call(LIST, { token: access, oauth: { oauth_version: '2.0' } }),
      400,
      'version_rejected',
    );
    expect((await h.call(LIST, { token: access, oauth: { oauth_version: '1.0' } })).status).toBe(200);
  });
});

describe('request and access token rules', () => {
  it('a request token older than 5 minutes → token_expired', async () => {
    const requestToken = await h.requestToken();
    const pin = h.sim.approve(requestToken.token);
    h.advance(5 * 60_000);
    expectOAuthProblem(await h.accessToken(requestToken, pin), 401, 'token_expired');
    expect(() => h.sim.approve(requestToken.token)).toThrow(
      expect.objectContaining({ code: 'ERR_SIM_REQUEST_TOKEN_EXPIRED' }),
    );
  });

  it('a request token is single use', async () => {
    const requestToken = await h.requestToken();
    const pin = h.sim.approve(requestToken.token);
    expect((await h.accessToken(requestToken, pin)).status).toBe(200);
    expectOAuthProblem(await h.accessToken(requestToken, pin), 401, 'token_rejected');
  });

  it('a wrong, lowercased or missing verifier is rejected; the right one still works', async () => {
    const requestToken = await h.requestToken();
    expectWrongVerifier(await h.accessToken(requestToken, 'AAAAA')); // not approved yet
    const pin = h.sim.approve(requestToken.token);
    const wrong = pin === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ';
    expectWrongVerifier(await h.accessToken(requestToken, wrong));
    if (/[A-Z]/.test(pin)) expectWrongVerifier(await h.accessToken(requestToken, pin.toLowerCase()));
    expectOAuthProblem(await h.call('/oauth/access_token', { token: requestToken }), 400, 'parameter_absent');
    expect((await h.accessToken(requestToken, pin)).status).toBe(200);
  });

  it('a stale PIN (from an earlier login) is answered like a wrong one', async () => {
    const earlier = await h.requestToken();
    const stale = h.sim.approve(earlier.token);
    const current = await h.requestToken();
    const pin = h.sim.approve(current.token);
    if (stale !== pin) expectWrongVerifier(await h.accessToken(current, stale));
    expect(h.sim.requests.at(-1)).toMatchObject({ path: '/oauth/access_token', status: 401 });
  });

  it('answers a wrong PIN as E*TRADE does: 401, Tomcat’s error page, token_rejected in the body only', async () => {
    const requestToken = await h.requestToken();
    const answer = await h.accessToken(requestToken, 'AAAAA');
    expect(answer.text).toMatch(/^<!doctype html>.*<title>HTTP Status 401 – Unauthorized<\/title>/);
    expect(answer.text).toContain('<p><b>Message</b> oauth_problem=token_rejected</p>');
    expect(answer.text).toContain('<h3>Apache Tomcat</h3>');
    expect(h.sim.requests.at(-1)).toMatchObject({ status: 401, problem: 'token_rejected' });
  });

  it.each([
    ['verifier_invalid', 'verifier_invalid'],
    ['bare401', undefined],
  ] as const)('can answer a wrong PIN as other servers do: %s', async (form, problem) => {
    h.sim.answerWrongVerifierWith(form);
    const requestToken = await h.requestToken();
    const pin = h.sim.approve(requestToken.token);
    const answer = await h.accessToken(requestToken, pin === 'AAAAA' ? 'BBBBB' : 'AAAAA');
    expect(answer.status).toBe(401);
    expect(problemOf(answer)).toBe(problem);
    expect(answer.headers.get('www-authenticate')).toBeNull();
    if (form === 'bare401') expect(answer.text).toBe('');
    // Only the wrong-PIN answer changes: the right PIN still works, other problems keep their form.
    expect((await h.accessToken(requestToken, pin)).status).toBe(200);
    expectOAuthProblem(await h.accessToken(requestToken, pin), 401, 'token_rejected');
  });

  it('tokens are not interchangeable: request token on /v1, access token on access_token', async () => {
    const requestToken = await h.requestToken();
    expectApiProblem(await h.call(LIST, { token: requestToken }), 401, 'token_rejected');
    expectOAuthProblem(await h.accessToken(access, 'AAAAA'), 401, 'token_rejected');
  });

  it('issued tokens and secrets contain + and / and end with =, percent-encoded in replies', async () => {
    for (let i = 0; i < 10; i++) {
      const answer = await h.call('/oauth/request_token', { oauth: { oauth_callback: 'oob' } });
      expect(answer.text).toMatch(
        /^oauth_token=[A-Za-z0-9%]+&oauth_token_secret=[A-Za-z0-9%]+&oauth_callback_confirmed=true$/,
      );
      const pair = new URLSearchParams(answer.text);
      const issued = [pair.get('oauth_token') ?? '', pair.get('oauth_token_secret') ?? ''];
      const next = await h.connect();
      for (const value of [...issued, next.token, next.secret]) {
        expect(value).toMatch(/\+/);
        expect(value).toMatch(/\//);
        expect(value).toMatch(/=$/);
      }
    }
  });
});
