import { DISABLED_VERSIONS_KEPT, exchangePin } from '../../shared/pinflow/exchangePin';
import { startPinFlow } from '../../shared/pinflow/startPinFlow';
import { accessSecretId } from '../../shared/ports/secretVault';
import { World, startGcpBackbone, type StartedBackbone } from '../reliability/support/world';
import { loginAndReadPin } from '../support/simulatedEtrade';
import { LocalWorld } from '../support/localWorld';

/**
 * What a PIN exchange waits on in sequence (bench/renewal.ts counts the round trips): after the ledger
 * commit, disabling the older versions, pruning disabled ones and publishing `token.renewed` need no
 * answer from one another, so they run at once; deleting the spent flow runs beside the signed call
 * that proves the new token. Each step is held at a gate here, so the order is observed, not timed.
 */

const SESSION = 'session-of-the-trader';

/** A gate per call: the wrapped method starts, says so, and waits until the test opens it. */
class Gates {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  private readonly opens = new Map<string, () => void>();

  hold(name: string, target: object, method: string): void {
    const object = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = object[method].bind(target);
    const gate = new Promise<void>((resolve) => this.opens.set(name, resolve));
    jest.spyOn(object, method).mockImplementation((async (...args: unknown[]) => {
      this.started.push(name);
      await gate;
      try {
        return await original(...args);
      } finally {
        this.finished.push(name);
      }
    }) as never);
  }

  open(name: string): void {
    this.opens.get(name)?.();
  }

  async until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(condition()).toBe(true);
  }
}

describe('exchangePin waits in sequence only on what the next step needs', () => {
  let world: LocalWorld;

  beforeEach(async () => {
    world = await LocalWorld.start('2026-11-25T13:30:00Z'); // 08:30 ET
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await world.close();
  });

  async function flow() {
    const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
    return { flowId: started.flowId, pin: await loginAndReadPin(started.authorizeUrl), session: SESSION };
  }

  it('after the commit: disable, prune and publish all start before any of them has finished', async () => {
    await exchangePin(world.ctx, await flow()); // generation 1: older versions to disable next time
    world.advance(60_000);
    const gates = new Gates();
    gates.hold('disable', world.ctx.vault, 'disableOlderVersions');
    gates.hold('prune', world.ctx.vault, 'destroyDisabledVersions');
    gates.hold('publish', world.ctx.events, 'publish');

    const exchanged = exchangePin(world.ctx, await flow());
    await gates.until(() => gates.started.length === 3);
    expect(gates.finished).toEqual([]);
    expect([...gates.started].sort()).toEqual(['disable', 'prune', 'publish']);
    for (const name of ['publish', 'prune', 'disable']) gates.open(name);

    const result = await exchanged;
    expect(result).toMatchObject({ generation: 2, warnings: [] });
    expect(await world.ctx.vault.readTokenPair('prod', '1')).toBeUndefined();
  });

  it('the spent flow is deleted beside the signed call that proves the new token', async () => {
    const gates = new Gates();
    gates.hold('deleteFlow', world.ctx.ledger, 'deleteFlow');
    const proofs = () => world.etrade.sim.requests.filter((r) => r.path.includes('/accounts/list')).length;

    const exchanged = exchangePin(world.ctx, await flow());
    await gates.until(() => gates.started.includes('deleteFlow'));
    // The proving call went out (and came back) while the flow's deletion was still held.
    await gates.until(() => proofs() === 1);
    expect(gates.finished).toEqual([]);
    gates.open('deleteFlow');

    expect(await exchanged).toMatchObject({ generation: 1, warnings: [] });
    expect(gates.finished).toEqual(['deleteFlow']);
  });

  it('steps that fail side by side are each named, in step order, and the notice names them too', async () => {
    await exchangePin(world.ctx, await flow());
    world.advance(60_000);
    jest.spyOn(world.ctx.events, 'publish').mockRejectedValue(new Error('bus down'));
    jest.spyOn(world.ctx.vault, 'destroyDisabledVersions').mockRejectedValue(new Error('vault down'));

    const result = await exchangePin(world.ctx, await flow());
    expect(result).toMatchObject({ generation: 2, warnings: ['prune', 'publish'] });
    const renewed = world.notices.notices.filter((n) => n.kind === 'renewal.succeeded');
    expect(renewed).toHaveLength(2);
    expect(renewed[0].lines.join('\n')).not.toContain('failed');
    expect(renewed[1].lines.join('\n')).toContain(
      'old versions were not cleaned up; the trading system was not told',
    );
  });
});

describe('pruning beside disabling (Secret Manager, where the two really overlap)', () => {
  let backbone: StartedBackbone;
  beforeAll(async () => {
    backbone = await startGcpBackbone();
  });
  afterAll(() => backbone.close());

  it('keeps exactly the version just disabled, however the two interleave', async () => {
    const world = await World.gcp(backbone, { startAt: '2026-11-25T13:30:00Z' });
    try {
      for (let generation = 1; generation <= 5; generation++) {
        const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
        const pin = await loginAndReadPin(started.authorizeUrl);
        await exchangePin(world.ctx, { flowId: started.flowId, pin, session: SESSION });
        world.advance(60_000);
        const versions = world.secretManager!.fake.versions(accessSecretId('prod'));
        const inState = (state: string) => versions.filter((v) => v.state === state).map((v) => v.version);
        expect(inState('ENABLED')).toEqual([generation]);
        // The previous token stays on hand for a manual rollback; every older one is destroyed.
        expect(inState('DISABLED')).toEqual(generation > 1 ? [generation - 1] : []);
        expect(inState('DESTROYED')).toEqual(
          Array.from({ length: Math.max(0, generation - 2) }, (_, i) => i + 1),
        );
        expect(DISABLED_VERSIONS_KEPT).toBe(1);
      }
    } finally {
      await world.close();
    }
  });
});
