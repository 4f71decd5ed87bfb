import { FunctionsHarness, type Credentials } from '../support/functionsHarness';
import { LocalWorld } from '../support/localWorld';

const HOUR = 3_600_000;

interface StatusBody {
  connections: { id: string; state: string; generation: number; keepAlive: { lastOutcome?: string } }[];
  csrfToken?: string;
}

describe('the functions over HTTP and CloudEvents, through functions-framework', () => {
  let world: LocalWorld;
  let fx: FunctionsHarness;
  let trader: Credentials;

  beforeEach(async () => {
    world = await LocalWorld.start('2026-11-25T13:30:00Z'); // Wednesday 08:30 ET
    fx = await new FunctionsHarness(world).start();
    trader = await fx.signIn();
  });
  afterEach(async () => {
    await fx.close();
    await world.close();
  });

  const renew = (connection = 'prod') => fx.renew(trader, connection);

  const prodStatus = async () => {
    const answer = await fx.call('status', '/status', { credentials: trader });
    expect(answer.status).toBe(200);
    return (answer.body as StatusBody).connections.find((c) => c.id === 'prod')!;
  };

  it('walks the whole PIN flow and reports the new token', async () => {
    const exchanged = await renew();
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ connectionId: 'prod', generation: 1, secretVersion: '1' });
    expect(JSON.stringify(exchanged.body)).not.toMatch(/token"|secret"/i);
    expect(await prodStatus()).toMatchObject({ state: 'active', generation: 1 });
    const status = await fx.call('status', '/status', { credentials: trader });
    expect((status.body as StatusBody).csrfToken).toBe(trader.csrf);
  });

  it('keepAlive (a Pub/Sub tick) renews an idle token', async () => {
    await renew();
    world.advance(2 * HOUR);
    expect((await prodStatus()).state).toBe('idle');
    expect(await fx.deliver('keepAlive', {})).toBe(204);
    const prod = await prodStatus();
    expect(prod).toMatchObject({ state: 'active', keepAlive: { lastOutcome: 'renewed' } });
  });

  it('shows the token expired at midnight in New York', async () => {
    await renew();
    world.etrade.now = Date.parse('2026-11-26T04:59:59Z');
    // The 12-hour session from 08:30 has ended by now: sign in again.
    expect((await fx.call('status', '/status', { credentials: trader })).status).toBe(401);
    trader = await fx.signIn();
    expect((await prodStatus()).state).not.toBe('expired');
    world.etrade.now = Date.parse('2026-11-26T05:00:00Z');
    expect((await prodStatus()).state).toBe('expired');
  });

  it('a duplicate Pub/Sub delivery of morningAlert sends one reminder', async () => {
    expect(await fx.deliver('morningAlert', {}, 'same-id')).toBe(204);
    expect(await fx.deliver('morningAlert', {}, 'same-id')).toBe(204);
    expect(await fx.deliver('morningAlert', {})).toBe(204);
    const reminders = world.notices.ofKind('morning.reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0].link?.url).toMatch(/\/login\?t=/);
  });

  it('POST /keepalive/force runs a keep-alive now and returns the report', async () => {
    await renew();
    const forced = await fx.call('actions', '/keepalive/force', { body: {}, credentials: trader });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ counts: expect.objectContaining({ touched: 1 }) });
    expect((await prodStatus()).keepAlive.lastOutcome).toBe('touched');
  });

  it('the trading system reports usage with its API key', async () => {
    await renew();
    world.advance(HOUR);
    const touched = await fx.call('actions', '/touch', {
      body: { connection: 'prod' },
      credentials: { bearer: world.api.apiKey },
    });
    expect(touched).toMatchObject({
      status: 200,
      body: { connection: 'prod', generation: 1, recorded: true },
    });
    const record = await world.ctx.ledger.get('prod');
    expect(record.lastUsedAt?.toISOString()).toBe('2026-11-25T14:30:00.000Z');
  });

  it('sends a login link only to the configured chat, at most once a minute', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await fx.call('actions', '/login-link', { body: {} });
      expect(answer.status).toBe(202);
      expect(JSON.stringify(answer.body)).not.toContain('/login?t=');
    }
    expect(world.notices.ofKind('login.link')).toHaveLength(1);
  });
});
