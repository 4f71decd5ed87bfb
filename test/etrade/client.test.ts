import { EtradeClient } from '../../shared/etrade/client';
import { EtradeError } from '../../shared/etrade/errors';
import { jsonLogger } from '../../shared/log';
import { WRONG_VERIFIER_ANSWERS } from '../../shared/simulator';
import { CANARY_CONSUMER, SimulatedEtrade, loginAndReadPin } from '../support/simulatedEtrade';

const HOUR = 3_600_000;

async function connect(client: EtradeClient) {
  const requestToken = await client.getRequestToken();
  const pin = await loginAndReadPin(client.authorizeUrl(requestToken.token));
  return client.getAccessToken(requestToken, pin.toLowerCase());
}

describe('EtradeClient against the strict simulator over real sockets', () => {
  let etrade: SimulatedEtrade;

  beforeEach(async () => {
    etrade = await new SimulatedEtrade('2026-11-25T14:00:00Z').start();
  });
  afterEach(() => etrade.close());

  it('walks request → authorize → PIN → access → accounts → balance → renew → revoke', async () => {
    const client = etrade.client();
    const requestToken = await client.getRequestToken();
    expect(requestToken.token).toMatch(/[+/]/);

    const authorizeUrl = client.authorizeUrl(requestToken.token);
    expect(authorizeUrl).toBe(
      `${etrade.sim.authorizeUrlBase}?key=${CANARY_CONSUMER.key}&token=${encodeURIComponent(requestToken.token)}`,
    );
    const pin = await loginAndReadPin(authorizeUrl);
    const access = await client.getAccessToken(requestToken, ` ${pin.toLowerCase()} `);
    expect(etrade.sim.tokenState(access.token)).toBe('active');

    const accounts = await client.listAccounts(access);
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    expect(accounts.every((account) => account.accountStatus !== 'CLOSED')).toBe(true);

    const balance = await client.getBalance(access, accounts[0].accountIdKey);
    expect(balance.accountId).toBe(accounts[0].accountId);
    expect(typeof balance.totalAccountValue).toBe('number');
    expect(typeof balance.cashBuyingPower).toBe('number');

    await client.renewAccessToken(access);
    await client.revokeAccessToken(access);
    expect(etrade.sim.tokenState(access.token)).toBe('revoked');
    await expect(client.listAccounts(access)).rejects.toMatchObject({ code: 'ERR_TOKEN_REJECTED' });
  });

  it('renew revives an idle token; an expired one needs a human', async () => {
    const client = etrade.client();
    const access = await connect(client);
    etrade.advance(2 * HOUR);
    await expect(client.listAccounts(access)).rejects.toMatchObject({ code: 'ERR_TOKEN_IDLE' });
    await client.renewAccessToken(access);
    await expect(client.listAccounts(access)).resolves.not.toHaveLength(0);

    etrade.now = Date.parse('2026-11-26T05:00:00Z'); // midnight in New York
    await expect(client.renewAccessToken(access)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    await expect(client.listAccounts(access)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it('a wrong consumer secret is a signature error and is not retried', async () => {
    const client = etrade.client({ consumer: { ...CANARY_CONSUMER, secret: 'wrong-secret' } });
    await expect(client.getRequestToken()).rejects.toMatchObject({
      code: 'ERR_SIGNATURE',
      problem: 'signature_invalid',
    });
    expect(etrade.sim.requests).toHaveLength(1);
  });

  it('an unknown consumer key is ERR_CONSUMER_KEY', async () => {
    const client = etrade.client({ consumer: { key: 'lapsed-key', secret: 'whatever' } });
    await expect(client.getRequestToken()).rejects.toMatchObject({ code: 'ERR_CONSUMER_KEY' });
  });

  it('refuses a malformed PIN before any request', async () => {
    const client = etrade.client();
    const requestToken = await client.getRequestToken();
    const before = etrade.sim.requests.length;
    await expect(client.getAccessToken(requestToken, 'H9-2G')).rejects.toMatchObject({
      code: 'ERR_INVALID_VERIFIER',
    });
    expect(etrade.sim.requests).toHaveLength(before);
  });

  it.each(WRONG_VERIFIER_ANSWERS)(
    'a wrong PIN answered as %s is ERR_VERIFIER_REJECTED, and the right one still works',
    async (form) => {
      etrade.sim.answerWrongVerifierWith(form);
      try {
        const client = etrade.client();
        const requestToken = await client.getRequestToken();
        const pin = await loginAndReadPin(client.authorizeUrl(requestToken.token));
        const wrong = pin === 'AAAAA' ? 'BBBBB' : 'AAAAA';
        await expect(client.getAccessToken(requestToken, wrong)).rejects.toMatchObject({
          code: 'ERR_VERIFIER_REJECTED',
          status: 401,
          operation: 'access_token',
        });
        await expect(client.getAccessToken(requestToken, pin)).resolves.toMatchObject({
          token: expect.any(String),
        });
      } finally {
        etrade.sim.answerWrongVerifierWith('token_rejected');
      }
    },
  );

  it('a request token older than 5 minutes is expired', async () => {
    const client = etrade.client();
    const requestToken = await client.getRequestToken();
    const pin = await loginAndReadPin(client.authorizeUrl(requestToken.token));
    etrade.advance(5 * 60_000 + 1000);
    await expect(client.getAccessToken(requestToken, pin)).rejects.toMatchObject({
      code: 'ERR_TOKEN_EXPIRED',
    });
  });

  it('a reused nonce is refused as ERR_SIGNATURE', async () => {
    const client = etrade.client({ nonce: () => 'same-nonce-every-time' });
    await client.getRequestToken();
    await expect(client.getRequestToken()).rejects.toMatchObject({
      code: 'ERR_SIGNATURE',
      problem: 'nonce_used',
    });
  });

  it('a stale timestamp that cannot be corrected surfaces as ERR_CLOCK_SKEW', async () => {
    // A clock that keeps running away: the one correction is not enough.
    let drift = 0;
    const client = etrade.client({ clock: () => etrade.now - (drift += 20 * 60_000) });
    const error = await client.getRequestToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CLOCK_SKEW', problem: 'timestamp_refused' });
    expect((error as EtradeError).acceptableTimestamps?.from).toBeLessThan(etrade.now / 1000);
    expect((error as EtradeError).acceptableTimestamps?.to).toBeGreaterThan(etrade.now / 1000);
  });

  it('learns the clock offset from timestamp_refused and succeeds on the retry', async () => {
    const warnings: string[] = [];
    const skewed = etrade.client({
      clock: () => etrade.now - 20 * 60_000, // our clock is 20 minutes slow
      log: jsonLogger((line) => warnings.push(line)),
    });
    await expect(skewed.getRequestToken()).resolves.toHaveProperty('token');
    expect(etrade.sim.requests.map((r) => r.problem)).toEqual([
      expect.stringMatching(/^timestamp_refused/),
      undefined,
    ]);
    expect(warnings.some((line) => JSON.parse(line).message === 'etrade.clock_corrected')).toBe(true);
    // The offset sticks: the next call is accepted first time.
    await skewed.getRequestToken();
    expect(etrade.sim.requests).toHaveLength(3);
  });
});

describe('transient failures retry with backoff; others never', () => {
  let etrade: SimulatedEtrade;

  beforeEach(async () => {
    etrade = await new SimulatedEtrade('2026-11-25T14:00:00Z').start();
  });
  afterEach(() => etrade.close());

  it.each([
    ['HTTP 503', { kind: 'status', status: 503 }],
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['connection reset', { kind: 'reset' }],
  ] as const)('%s twice, then success', async (_name, fault) => {
    etrade.sim.inject({ ...fault, times: 2 });
    await expect(etrade.client().getRequestToken()).resolves.toHaveProperty('secret');
    expect(etrade.sleeps).toHaveLength(2);
  });

  it('a timeout is transient', async () => {
    etrade.sim.inject({ kind: 'delay', ms: 400, times: 1 });
    const client = etrade.client({ timeoutMs: 100 });
    await expect(client.getRequestToken()).resolves.toHaveProperty('token');
    expect(etrade.sleeps).toHaveLength(1);
  });

  it('gives up after the bounded retries with ERR_TRANSIENT', async () => {
    etrade.sim.inject({ kind: 'status', status: 502, times: Infinity });
    const client = etrade.client({ retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 } });
    const error = await client.getRequestToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtradeError);
    expect(error).toMatchObject({ code: 'ERR_TRANSIENT', status: 502 });
    expect(etrade.sim.requests).toHaveLength(3);
  });

  it.each([
    ['rate limit', { kind: 'rateLimit' }, 'ERR_RATE_LIMITED'],
    ['token_rejected', { kind: 'problem', problem: 'token_rejected' }, 'ERR_TOKEN_REJECTED'],
  ] as const)('%s is not retried', async (_name, fault, code) => {
    const client = etrade.client();
    const access = await connect(client);
    const before = etrade.sim.requests.length;
    etrade.sim.inject({ ...fault, times: 1 });
    await expect(client.listAccounts(access)).rejects.toMatchObject({ code });
    expect(etrade.sim.requests.length - before).toBe(1);
    expect(etrade.sleeps).toHaveLength(0);
  });

  it('"renew says 200 but the token stays dead" is caught by the next signed call', async () => {
    const client = etrade.client();
    const access = await connect(client);
    etrade.sim.inject({ kind: 'renewButDead' });
    await client.renewAccessToken(access);
    await expect(client.listAccounts(access)).rejects.toMatchObject({ code: 'ERR_TOKEN_REJECTED' });
  });
});

describe('no secret reaches a log line or an error', () => {
  it('canary consumer secret, tokens and token secrets never appear', async () => {
    const etrade = await new SimulatedEtrade('2026-11-25T14:00:00Z').start();
    const lines: string[] = [];
    const client = etrade.client({ log: jsonLogger((line) => lines.push(line)) });
    const errors: string[] = [];
    try {
      const requestToken = await client.getRequestToken();
      const access = await client.getAccessToken(
        requestToken,
        await loginAndReadPin(client.authorizeUrl(requestToken.token)),
      );
      await client.listAccounts(access);
      etrade.sim.inject({ kind: 'status', status: 503, times: 1 });
      await client.renewAccessToken(access);
      etrade.sim.inject({ kind: 'problem', problem: 'token_rejected' });
      await client
        .listAccounts(access)
        .catch((e: Error) => errors.push(JSON.stringify(e), e.message, String(e.stack)));
      await client.revokeAccessToken(access);
      const secrets = [
        CANARY_CONSUMER.secret,
        requestToken.token,
        requestToken.secret,
        access.token,
        access.secret,
      ];
      const written = [...lines, ...errors].join('\n');
      expect(lines.length).toBeGreaterThan(5);
      for (const secret of secrets) {
        expect(written).not.toContain(secret);
        expect(written).not.toContain(encodeURIComponent(secret));
      }
    } finally {
      await etrade.close();
    }
  });
});
