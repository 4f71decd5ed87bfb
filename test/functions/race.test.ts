import type { SecretVault } from '../../shared/ports/secretVault';
import { FunctionsHarness, type Credentials } from '../support/functionsHarness';
import { LocalWorld } from '../support/localWorld';

/**
 * A Pub/Sub keep-alive tick racing a PIN exchange, both through the deployed entry point: the
 * exchange lands between the keep-alive reading generation 1's token and recording its result.
 */
describe('keepAlive racing exchangePin', () => {
  let world: LocalWorld;
  let fx: FunctionsHarness;
  let trader: Credentials;

  beforeEach(async () => {
    world = await LocalWorld.start('2026-11-25T13:30:00Z');
    fx = await new FunctionsHarness(world).start();
    trader = await fx.signIn();
  });
  afterEach(async () => {
    await fx.close();
    await world.close();
  });

  const renew = () => fx.renew(trader);

  it('never records onto, or announces for, the newer generation', async () => {
    await renew();
    world.advance(91 * 60_000); // keep-alive due
    const vault = world.ctx.vault as SecretVault;
    const read = vault.readTokenPair.bind(vault);
    let raced = false;
    // The moment the keep-alive holds generation 1's pair, a human finishes a new PIN exchange.
    jest.spyOn(vault, 'readTokenPair').mockImplementation(async (connectionId, version) => {
      const pair = await read(connectionId, version);
      if (!raced && version === '1') {
        raced = true;
        expect((await renew()).status).toBe(200);
      }
      return pair;
    });

    expect(await fx.deliver('keepAlive', {})).toBe(204);

    expect(raced).toBe(true);
    const record = await world.ctx.ledger.get('prod');
    expect(record).toMatchObject({ generation: 2, secretVersion: '2', keepAlive: { failureStreak: 0 } });
    expect(record.keepAlive.lastOutcome).toBeUndefined();
    expect(record.lastUsedAt).toEqual(record.issuedAt);
    expect(world.notices.notices.map((notice) => notice.kind)).toEqual([
      'renewal.succeeded',
      'renewal.succeeded',
    ]);
    const done = world.logs
      .map((line) => JSON.parse(line))
      .find((entry) => entry.message === 'keepAlive.done');
    expect(done).toMatchObject({ superseded: 1 });
  });
});
