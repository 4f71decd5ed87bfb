import { inspect } from 'node:util';
import type { InProcessEventBus } from '../../shared/adapters/local/inProcessEventBus';
import { type TradingClientOptions, createTradingClient, tradingClientFor } from '../../shared/client';
import { jsonLogger } from '../../shared/log';
import { exchangePin } from '../../shared/pinflow/exchangePin';
import { startPinFlow } from '../../shared/pinflow/startPinFlow';
import type { SecretVault } from '../../shared/ports/secretVault';
import { LocalWorld } from '../support/localWorld';
import { CANARY_CONSUMER, loginAndReadPin } from '../support/simulatedEtrade';

/** A vault that counts reads (the cache's whole point is not to read it on every call); the rest passes through. */
function countingVault(inner: SecretVault): SecretVault & { readonly reads: number } {
  let reads = 0;
  return new Proxy(inner, {
    get(target, name) {
      if (name === 'reads') return reads;
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (name === 'readTokenPair') reads += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as SecretVault & { readonly reads: number };
}

/**
 * The trading client on the local adapters (file ledger, file vault, in-process events) against the
 * strict simulator, with PIN exchanges through the real use cases.
 */
describe('trading client on the local adapters', () => {
  let world: LocalWorld;
  let vault: SecretVault & { readonly reads: number };
  const logs: string[] = [];

  beforeEach(async () => {
    world = await LocalWorld.start('2026-11-25T13:30:00Z'); // Wed 08:30 ET
    vault = countingVault(world.ctx.vault);
    logs.length = 0;
  });
  afterEach(() => world.close());

  async function renew(connectionId = 'prod') {
    const flow = await startPinFlow(world.ctx, { connectionId, session: 'trader' });
    const pin = await loginAndReadPin(flow.authorizeUrl);
    return exchangePin(world.ctx, { flowId: flow.flowId, pin, session: 'trader' });
  }

  function client(options: Partial<TradingClientOptions> = {}) {
    const sim = world.etrade.sim;
    return createTradingClient({
      connectionId: 'prod',
      vault,
      ledger: world.ctx.ledger,
      consumer: CANARY_CONSUMER,
      endpoints: { oauthBase: sim.url, apiBase: sim.url, authorizeBase: sim.authorizeUrlBase },
      clock: world.ctx.clock,
      log: jsonLogger((line) => logs.push(line)),
      http: { sleep: async () => undefined },
      ...options,
    });
  }

  const accountCalls = () => world.etrade.sim.requests.filter((r) => r.path.startsWith('/v1/accounts/list'));
  const bus = () => world.ctx.events as InProcessEventBus;

  it('reads the pair once, by the ledger’s version, and serves many calls from the cache', async () => {
    await renew();
    const trading = client();
    const keys = (await trading.listAccounts()).map((account) => account.accountIdKey);
    for (let i = 0; i < 5; i++) await trading.listAccounts();
    await Promise.all(keys.map((key) => trading.getBalance(key)));
    expect(vault.reads).toBe(1);
    const token = await trading.currentToken();
    expect(token).toMatchObject({ connectionId: 'prod', generation: 1, secretVersion: '1' });
    // The pair is there for signing, and nowhere a log line or a dump would pick it up.
    const stored = await world.ctx.vault.readTokenPair('prod');
    expect(token.pair).toEqual(stored!.pair);
    for (const shown of [JSON.stringify(token), inspect(token, { depth: 5 }), JSON.stringify({ ...token })]) {
      expect(shown).not.toContain(stored!.pair.token);
      expect(shown).not.toContain(stored!.pair.secret);
    }
    await trading.close();
  });

  it('concurrent first calls share one read', async () => {
    await renew();
    const trading = client();
    await Promise.all(Array.from({ length: 8 }, () => trading.listAccounts()));
    expect(vault.reads).toBe(1);
  });

  it('has no token before the first PIN exchange', async () => {
    await expect(client().currentToken()).rejects.toMatchObject({
      code: 'ERR_NO_TOKEN',
      message: 'connection prod has no token yet: log in with the PIN flow',
    });
  });

  it('drops the cache on token.renewed: after a PIN exchange stores generation 2 the next call uses the new pair', async () => {
    await renew();
    const trading = client({ events: bus() });
    await trading.listAccounts();
    const first = (await trading.currentToken()).pair;

    await renew(); // generation 2, announced on the in-process bus
    await bus().settled();
    // The old pair is dead at E*TRADE now: a call with it would be refused and show as a 401.
    await world.etrade.client().revokeAccessToken(first);
    const before = accountCalls().length;
    await trading.listAccounts();
    expect(
      accountCalls()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([200]);
    expect(await trading.currentToken()).toMatchObject({ generation: 2, secretVersion: '2' });
    expect(vault.reads).toBe(2);

    // Another connection's renewal, or the same event delivered twice, leaves the cache alone.
    trading.onTokenEvent({
      type: 'token.renewed',
      connectionId: 'sandbox',
      generation: 9,
      at: new Date().toISOString(),
    });
    trading.onTokenEvent({
      type: 'token.renewed',
      connectionId: 'prod',
      generation: 2,
      at: new Date().toISOString(),
    });
    await trading.listAccounts();
    expect(vault.reads).toBe(2);
    await trading.close();
  });

  it('on a 401 from E*TRADE reloads once and retries once with the newer pair', async () => {
    await renew();
    const trading = client(); // not subscribed: it learns of generation 2 only from E*TRADE's refusal
    await trading.listAccounts();
    const first = (await trading.currentToken()).pair;
    await renew();
    await world.etrade.client().revokeAccessToken(first);

    const before = accountCalls().length;
    expect(await trading.listAccounts()).toHaveLength(2);
    expect(
      accountCalls()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([401, 200]);
    expect(await trading.currentToken()).toMatchObject({ generation: 2 });
    expect(vault.reads).toBe(2);
    expect(logs.join('\n')).toMatch(/"message":"trading_client.token_reloaded".*"from":1,"to":2/);
  });

  it('with nothing newer, does not repeat the refused call, and says so in isReadyToTrade', async () => {
    await renew();
    const trading = client();
    await world.etrade.client().revokeAccessToken((await trading.currentToken()).pair);
    const before = accountCalls().length;
    await expect(trading.listAccounts()).rejects.toMatchObject({ code: 'ERR_TOKEN_REJECTED' });
    expect(accountCalls().length - before).toBe(1);
    expect(await trading.isReadyToTrade()).toMatchObject({
      ready: false,
      reason: 'E*TRADE rejected the token at 08:30 ET (ERR_TOKEN_REJECTED) — log in with the PIN flow',
    });
  });

  it('records usage at most once a minute per generation', async () => {
    await renew();
    const recordUsed = jest.spyOn(world.ctx.ledger, 'recordUsed');
    const trading = client();
    const calledAt = world.ctx.clock.now();
    for (let i = 0; i < 5; i++) await trading.listAccounts();
    world.advance(30_000);
    for (let i = 0; i < 3; i++) await trading.listAccounts();
    await trading.flush();
    expect(recordUsed.mock.calls).toEqual([['prod', 1, calledAt]]);

    world.advance(30_000); // a minute after the first write
    await trading.listAccounts();
    await trading.flush();
    expect(recordUsed).toHaveBeenCalledTimes(2);
    expect((await world.ctx.ledger.get('prod')).lastUsedAt).toEqual(world.ctx.clock.now());
  });

  it('drops a stale pair when the ledger refuses its usage for naming a newer generation', async () => {
    await renew();
    const trading = client(); // no events, and E*TRADE still accepts generation 1
    await trading.listAccounts();
    await renew();
    world.advance(61_000);
    await trading.listAccounts();
    await trading.flush();
    expect(await trading.currentToken()).toMatchObject({ generation: 2 });
  });

  it('retries a GET through 503s but never repeats a POST', async () => {
    await renew();
    const trading = client();
    const sim = world.etrade.sim;
    sim.inject({ kind: 'status', status: 503, times: 2, path: '/v1/accounts/list' });
    let before = accountCalls().length;
    await trading.listAccounts();
    expect(
      accountCalls()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([503, 503, 200]);

    sim.inject({ kind: 'status', status: 503, path: '/v1/accounts/list' });
    before = accountCalls().length;
    await expect(
      trading.request('POST', `${sim.url}/v1/accounts/list`, { form: { note: 'an order' } }),
    ).rejects.toMatchObject({ code: 'ERR_TRANSIENT' });
    expect(accountCalls().length - before).toBe(1);
  });

  it('signs a query given in the URL as data, like any other', async () => {
    await renew();
    const trading = client();
    const sim = world.etrade.sim;
    const answer = await trading.request(
      'GET',
      `${sim.url}/v1/accounts/JIdOIAcSpwR1Jva7RQBraQ/balance.json?instType=BROKERAGE&realTimeNAV=true`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json<{ BalanceResponse: { accountId: string } }>().BalanceResponse.accountId).toBe(
      '84010429',
    );
  });

  describe('isReadyToTrade, state by state', () => {
    it('missing, then active with its expiry', async () => {
      const trading = client();
      expect(await trading.isReadyToTrade(30)).toMatchObject({
        ready: false,
        state: 'missing',
        reason: /^no token/,
      });
      await renew();
      expect(await trading.isReadyToTrade(30)).toMatchObject({
        ready: true,
        state: 'active',
        generation: 1,
        reason: 'ok: active, expires in 15 h 30 min',
      });
    });

    it('expiring inside the window, then expired', async () => {
      world.advance(13.5 * 3_600_000); // 22:00 ET
      await renew();
      world.advance(108 * 60_000); // 23:48 ET, 1 h 48 min after the exchange: still active
      const trading = client();
      expect(await trading.isReadyToTrade(15)).toEqual(
        expect.objectContaining({ ready: false, reason: 'token expires at 00:00 ET, in 12 minutes' }),
      );
      expect((await trading.isReadyToTrade(10)).ready).toBe(true);
      world.advance(12 * 60_000);
      expect(await trading.isReadyToTrade()).toMatchObject({
        ready: false,
        state: 'expired',
        reason: 'token expired at 00:00 ET — log in with the PIN flow',
      });
    });

    it('idle after two hours without a call', async () => {
      await renew();
      world.advance(2 * 3_600_000);
      expect(await client().isReadyToTrade()).toMatchObject({
        ready: false,
        state: 'idle',
        reason: 'token idle — keep-alive or renew needed',
      });
    });

    it('failing after three failed keep-alives', async () => {
      const { generation } = await renew();
      const at = world.ctx.clock.now();
      for (let i = 0; i < 3; i++) {
        await world.ctx.ledger.recordKeepAlive('prod', generation, {
          at,
          outcome: 'failed',
          errorCode: 'ERR_TRANSIENT',
        });
      }
      expect(await client().isReadyToTrade()).toMatchObject({
        ready: false,
        state: 'failing',
        reason: 'keep-alive failing (3 in a row, last ERR_TRANSIENT)',
      });
    });

    it('revoked', async () => {
      const { generation } = await renew();
      await world.ctx.ledger.recordDead('prod', generation, { at: world.ctx.clock.now(), kind: 'revoked' });
      expect(await client().isReadyToTrade()).toMatchObject({
        ready: false,
        state: 'revoked',
        reason: /^token revoked/,
      });
    });

    it('not readable when the vault no longer has the version the ledger names', async () => {
      await renew();
      const stray = await world.ctx.vault.putTokenPair('prod', {
        token: 'not-recorded',
        secret: 'not-recorded',
      });
      await world.ctx.vault.disableOlderVersions('prod', stray);
      expect(await client().isReadyToTrade()).toMatchObject({
        ready: false,
        state: 'active',
        reason:
          'token not readable — vault version 1 of connection prod is not readable (disabled or destroyed)',
      });
    });

    it('refreshes a stale cache while it checks', async () => {
      await renew();
      const trading = client();
      await trading.listAccounts();
      await renew();
      expect(await trading.isReadyToTrade()).toMatchObject({ ready: true, generation: 2 });
      expect(await trading.currentToken()).toMatchObject({ generation: 2 });
    });

    it('refuses a negative window', async () => {
      await expect(client().isReadyToTrade(-1)).rejects.toThrow(/minutes must be a finite number >= 0/);
    });
  });

  it('checks its options, naming the one that is wrong', () => {
    expect(() => client({ connectionId: 'Prod!' })).toThrow(/connectionId must be/);
    expect(() => client({ usageThrottleMs: -1 })).toThrow(/usageThrottleMs must be a finite number >= 0/);
    expect(() => client({ consumer: { key: 'k', secret: '' } })).toThrow(/consumer.key and consumer.secret/);
  });

  it('builds from a composition root: endpoints and consumer key from its configuration', async () => {
    await renew();
    const trading = await tradingClientFor(world.ctx, 'prod');
    expect(await trading.listAccounts()).toHaveLength(2);
    await expect(tradingClientFor(world.ctx, 'nope')).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_CONNECTION',
    });
  });

  it('logged no token material', async () => {
    await renew();
    const trading = client();
    await trading.listAccounts();
    const stored = await world.ctx.vault.readTokenPair('prod');
    const everything = logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [stored!.pair.token, stored!.pair.secret, CANARY_CONSUMER.secret]) {
      expect(everything).not.toContain(secret);
    }
  });
});
