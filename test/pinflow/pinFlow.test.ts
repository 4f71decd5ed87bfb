import { toErrorResponse } from '../../shared/http/errorMapping';
import { AppError } from '../../shared/app/errors';
import { exchangePin } from '../../shared/pinflow/exchangePin';
import { WRONG_VERIFIER_ANSWERS } from '../../shared/simulator';
import { startPinFlow } from '../../shared/pinflow/startPinFlow';
import { statusReport } from '../../shared/status/statusReport';
import type { TokenEvent } from '../../shared/ports/eventBus';
import { InProcessEventBus } from '../../shared/adapters/local/inProcessEventBus';
import { CANARY_CONSUMER, loginAndReadPin } from '../support/simulatedEtrade';
import { LocalWorld } from '../support/localWorld';

const SESSION = 'session-of-the-trader';

describe('PIN flow use cases on the embedded stores against the simulator', () => {
  let world: LocalWorld;
  let events: TokenEvent[];

  beforeEach(async () => {
    world = await LocalWorld.start('2026-11-25T13:30:00Z'); // 08:30 ET
    events = [];
    (world.ctx.events as InProcessEventBus).subscribe((event) => void events.push(event));
  });
  afterEach(() => world.close());

  async function renew(connectionId = 'prod') {
    const started = await startPinFlow(world.ctx, { connectionId, session: SESSION });
    const pin = await loginAndReadPin(started.authorizeUrl);
    return exchangePin(world.ctx, { flowId: started.flowId, pin, session: SESSION });
  }

  it('stores, records, announces and reports a new token', async () => {
    const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
    expect(started.expiresAt.toISOString()).toBe('2026-11-25T13:35:00.000Z');
    expect(started.authorizeUrl).toContain(world.etrade.sim.authorizeUrlBase);

    const pin = await loginAndReadPin(started.authorizeUrl);
    const result = await exchangePin(world.ctx, {
      flowId: started.flowId,
      pin: pin.toLowerCase(),
      session: SESSION,
    });
    expect(result).toMatchObject({ connectionId: 'prod', generation: 1, secretVersion: '1', warnings: [] });
    expect(result.expiresAt.toISOString()).toBe('2026-11-26T05:00:00.000Z');

    const stored = await world.ctx.vault.readTokenPair('prod');
    expect(world.etrade.sim.tokenState(stored!.pair.token)).toBe('active');
    await (world.ctx.events as InProcessEventBus).settled();
    expect(events).toEqual([
      {
        type: 'token.renewed',
        connectionId: 'prod',
        generation: 1,
        secretVersion: '1',
        expiresAt: '2026-11-26T05:00:00.000Z',
        at: '2026-11-25T13:30:00.000Z',
      },
    ]);
    expect(world.notices.notices.map((n) => n.kind)).toEqual(['renewal.succeeded']);
    // Good news asks nothing of the trader: no link to spend or leak.
    expect(world.notices.notices[0].buttons).toBeUndefined();

    const status = await statusReport(world.ctx);
    expect(status.connections.find((c) => c.id === 'prod')).toMatchObject({
      state: 'active',
      generation: 1,
      secondsToExpiry: 15.5 * 3600,
    });
    expect(status.connections.find((c) => c.id === 'sandbox')).toMatchObject({
      state: 'missing',
      generation: 0,
    });
  });

  it('a second renewal makes generation 2 current and disables the old version', async () => {
    await renew();
    world.advance(60_000);
    const second = await renew();
    expect(second).toMatchObject({ generation: 2, secretVersion: '2' });
    expect(await world.ctx.vault.readTokenPair('prod', '1')).toBeUndefined();
    expect((await world.ctx.vault.readTokenPair('prod'))?.version).toBe('2');
  });

  it.each(WRONG_VERIFIER_ANSWERS)(
    'a wrong PIN answered as %s: "not accepted, 4 tries left", the flow stays, no notice, the token stays',
    async (form) => {
      await renew();
      world.etrade.sim.answerWrongVerifierWith(form);
      const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
      const pin = await loginAndReadPin(started.authorizeUrl);
      const wrong = pin === 'AAAAA' ? 'BBBBB' : 'AAAAA';
      const rejected = await exchangePin(world.ctx, {
        flowId: started.flowId,
        pin: wrong,
        session: SESSION,
      }).catch((error: unknown) => error);
      expect(rejected).toBeInstanceOf(AppError);
      expect(rejected).toMatchObject({
        code: 'ERR_VERIFIER_REJECTED',
        details: { step: 'exchange', attemptsLeft: 4 },
      });
      expect((await world.ctx.ledger.get('prod')).generation).toBe(1);
      // Only the first renewal's notice: a typo is not a failed renewal.
      expect(world.notices.notices.map((n) => n.kind)).toEqual(['renewal.succeeded']);
      const retried = await exchangePin(world.ctx, { flowId: started.flowId, pin, session: SESSION });
      expect(retried.generation).toBe(2);
    },
  );

  it('refuses a malformed PIN without spending an attempt, then stops after 5 attempts', async () => {
    const started = await startPinFlow(world.ctx, { connectionId: 'sandbox', session: SESSION });
    const before = world.etrade.sim.requests.length;
    await expect(
      exchangePin(world.ctx, { flowId: started.flowId, pin: '12', session: SESSION }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_VERIFIER',
    });
    expect(world.etrade.sim.requests).toHaveLength(before);
    for (let i = 0; i < 5; i++) {
      await expect(
        exchangePin(world.ctx, { flowId: started.flowId, pin: `ZZZZ${i}`, session: SESSION }),
      ).rejects.toMatchObject({ code: 'ERR_VERIFIER_REJECTED', details: { attemptsLeft: 4 - i } });
    }
    await expect(
      exchangePin(world.ctx, { flowId: started.flowId, pin: 'ZZZZ9', session: SESSION }),
    ).rejects.toMatchObject({
      code: 'ERR_FLOW_EXHAUSTED',
      details: { attemptsLeft: 0 },
    });
    expect(world.notices.notices).toEqual([]);
  });

  it("another session cannot finish someone else's flow, and learns nothing about it", async () => {
    const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
    const pin = await loginAndReadPin(started.authorizeUrl);
    await expect(
      exchangePin(world.ctx, { flowId: started.flowId, pin, session: 'stranger' }),
    ).rejects.toMatchObject({
      code: 'ERR_FLOW_NOT_FOUND',
    });
  });

  it('a flow older than 5 minutes is expired', async () => {
    const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
    const pin = await loginAndReadPin(started.authorizeUrl);
    world.advance(5 * 60_000);
    await expect(
      exchangePin(world.ctx, { flowId: started.flowId, pin, session: SESSION }),
    ).rejects.toMatchObject({
      code: 'ERR_FLOW_EXPIRED',
    });
  });

  it('an unknown connection is refused before any request', async () => {
    await expect(startPinFlow(world.ctx, { connectionId: 'nope', session: SESSION })).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_CONNECTION',
    });
    expect(world.etrade.sim.requests).toHaveLength(0);
  });

  it('a new token that fails its verifying call is not stored; the previous one stays current', async () => {
    await renew();
    const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
    const pin = await loginAndReadPin(started.authorizeUrl);
    world.etrade.sim.inject({ kind: 'problem', problem: 'token_rejected', path: '/v1/accounts/list' });
    await expect(
      exchangePin(world.ctx, { flowId: started.flowId, pin, session: SESSION }),
    ).rejects.toMatchObject({
      code: 'ERR_TOKEN_REJECTED',
    });
    expect((await world.ctx.ledger.get('prod')).generation).toBe(1);
    expect((await world.ctx.vault.readTokenPair('prod'))?.version).toBe('1');
    expect(world.notices.notices.map((n) => n.kind)).toEqual(['renewal.succeeded', 'renewal.failed']);
  });

  it('a lapsed consumer key: the failure says what helps, in the API’s words, and offers no new login', async () => {
    const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
    const pin = await loginAndReadPin(started.authorizeUrl);
    world.etrade.sim.inject({
      kind: 'problem',
      problem: 'consumer_key_rejected',
      path: '/v1/accounts/list',
    });
    const error = await exchangePin(world.ctx, { flowId: started.flowId, pin, session: SESSION }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_CONSUMER_KEY' });
    const [failed] = world.notices.ofKind('renewal.failed');
    expect(failed).toMatchObject({
      title: 'Live: renewal failed',
      lines: [
        'The new token failed its first signed call.',
        toErrorResponse(error).body.error.message,
        'The previous token, if any, is still the current one.',
        'Code for support: ERR_CONSUMER_KEY.',
      ],
    });
    expect(failed.lines[1]).toContain('logging in again cannot help');
    expect(failed.buttons).toBeUndefined();
  });

  it('never logs, announces or notifies a secret', async () => {
    await renew();
    const stored = await world.ctx.vault.readTokenPair('prod');
    await (world.ctx.events as InProcessEventBus).settled();
    const everything = [...world.logs, JSON.stringify(events), JSON.stringify(world.notices.notices)].join(
      '\n',
    );
    for (const secret of [CANARY_CONSUMER.secret, stored!.pair.token, stored!.pair.secret]) {
      expect(everything).not.toContain(secret);
    }
  });
});
