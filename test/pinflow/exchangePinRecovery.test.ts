import { status as grpcStatus } from '@grpc/grpc-js';

import { WRITE_RETRY } from '../../shared/adapters/gcp/unavailableRetry';
import { toErrorResponse } from '../../shared/http/errorMapping';
import { exchangePin } from '../../shared/pinflow/exchangePin';
import { startPinFlow } from '../../shared/pinflow/startPinFlow';
import { accessSecretId, type TokenSecret } from '../../shared/ports/secretVault';
import type { IssueCommand } from '../../shared/ports/tokenLedger';
import { grpcUnavailable } from '../reliability/support/unavailableLedger';
import { World, startGcpBackbone, type StartedBackbone } from '../reliability/support/world';
import { CANARY_CONSUMER, loginAndReadPin } from '../support/simulatedEtrade';

/**
 * The PIN exchange when a store fails around the commit, on both compositions (embedded stores; GCP
 * adapters on the emulators and the Secret Manager fake): a new vault version that is not recorded
 * is disabled again, and a Secret Manager blip on the write is retried. Each test starts with
 * generation 1 (vault version 1) current and a flow whose PIN the human holds.
 */

const SESSION = 'session-of-the-trader';
const MINUTE = 60_000;
const RECORDING_FAILED = 'Failed while recording the new token; the previous token is still current';

let backbone: StartedBackbone;
beforeAll(async () => {
  backbone = await startGcpBackbone();
});
afterAll(() => backbone.close());

type Flow = { readonly flowId: string; readonly pin: string };

async function startFlow(world: World): Promise<Flow> {
  const started = await startPinFlow(world.ctx, { connectionId: 'prod', session: SESSION });
  return { flowId: started.flowId, pin: await loginAndReadPin(started.authorizeUrl) };
}

function exchange(world: World, flow: Flow) {
  return exchangePin(world.ctx, { ...flow, session: SESSION });
}

/** Generation 1 stored and recorded, ten minutes later a second flow ready for its PIN. */
async function preparedWorld(kind: 'local' | 'gcp'): Promise<{ world: World; flow: Flow }> {
  const options = { startAt: '2026-11-25T13:30:00Z' };
  const world = kind === 'gcp' ? await World.gcp(backbone, options) : await World.local(options);
  await exchange(world, await startFlow(world));
  world.advance(10 * MINUTE);
  return { world, flow: await startFlow(world) };
}

/** No log line or notice carries the consumer secret or any pair the vault was handed. */
function expectNoSecretIn(world: World, puts: jest.SpyInstance<unknown, [string, TokenSecret]>): void {
  const everything = [...world.logs, JSON.stringify(world.recorder?.notices ?? [])].join('\n');
  const pairs = puts.mock.calls.map(([, pair]) => pair);
  expect(pairs.length).toBeGreaterThan(0);
  for (const secret of [CANARY_CONSUMER.secret, ...pairs.flatMap((p) => [p.token, p.secret])]) {
    expect(everything).not.toContain(secret);
  }
}

/** Generation 1 is still the current token, and nothing newer than its version is enabled. */
async function expectPreviousCurrent(world: World): Promise<void> {
  const stored = await world.inspect();
  expect(stored).toMatchObject({
    generation: 1,
    secretVersion: '1',
    readable: true,
    simState: 'active',
    newestEnabled: '1',
    historyMatches: true,
    olderEnabled: [],
  });
}

describe.each(['local', 'gcp'] as const)('exchangePin recovery (%s stores)', (kind) => {
  let world: World;
  let flow: Flow;

  beforeEach(async () => {
    ({ world, flow } = await preparedWorld(kind));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await world.close();
  });

  const recordIssued = () => {
    const real = world.ctx.ledger.recordIssued.bind(world.ctx.ledger);
    return { real, spy: jest.spyOn(world.ctx.ledger, 'recordIssued') };
  };

  it('the commit fails after the vault write: the new version is disabled again, generation 1 stays current', async () => {
    // Watched, not replaced: the pair the exchange stores, to look for it in every line.
    const puts = jest.spyOn(world.ctx.vault, 'putTokenPair');
    recordIssued().spy.mockRejectedValueOnce(grpcUnavailable());

    const error: unknown = await exchange(world, flow).catch((err: unknown) => err);

    expect(error).toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
      message: RECORDING_FAILED,
      details: { step: 'ledger' },
    });
    expect(toErrorResponse(error)).toMatchObject({
      status: 503,
      body: { error: { code: 'ERR_STORE_UNAVAILABLE' } },
    });
    await expectPreviousCurrent(world);
    await expect(world.ctx.vault.readTokenPair('prod', '2')).resolves.toBeUndefined();
    expect(world.events('pinflow.rolled_back')).toEqual([
      expect.objectContaining({ connection: 'prod', secretVersion: '2', reason: 'ledger_failed' }),
    ]);
    expect(world.noticeKinds()).toEqual(['renewal.succeeded', 'renewal.failed']);
    // The chat words it as the API answered it (not ERR_INTERNAL), and offers another try.
    const [failed] = world.recorder!.ofKind('renewal.failed');
    expect(failed.lines).toEqual(
      expect.arrayContaining([
        'The new token could not be recorded.',
        'Storage is unavailable right now. Try again shortly.',
        'The previous token, if any, is still the current one.',
        'Code for support: ERR_STORE_UNAVAILABLE.',
      ]),
    );
    expect(failed.buttons).toEqual([{ text: 'Renew Live', url: expect.stringMatching(/&renew=prod$/) }]);
    expectNoSecretIn(world, puts);

    // The trader renews again: version 3, and the rolled-back version stays out of the way.
    await expect(exchange(world, await startFlow(world))).resolves.toMatchObject({
      generation: 2,
      secretVersion: '3',
      warnings: [],
    });
    await expect(world.inspect()).resolves.toMatchObject({ newestEnabled: '3', olderEnabled: [] });
  });

  it('the ledger is unreachable altogether, even to check the commit: rolled back all the same', async () => {
    const vault = world.ctx.vault;
    const put = vault.putTokenPair.bind(vault);
    // The hard moment, as in the fault matrix: the vault write lands, then the ledger is gone.
    jest.spyOn(vault, 'putTokenPair').mockImplementationOnce(async (...args) => {
      const version = await put(...args);
      if (world.firestore) world.firestore.down = true;
      else {
        jest.spyOn(world.ctx.ledger, 'recordIssued').mockRejectedValue(grpcUnavailable());
        jest.spyOn(world.ctx.ledger, 'get').mockRejectedValue(grpcUnavailable());
      }
      return version;
    });

    await expect(exchange(world, flow)).rejects.toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
      message: RECORDING_FAILED,
    });

    if (world.firestore) {
      expect(world.firestore.refused).toEqual(['recordIssued', 'get']);
      world.firestore.down = false;
    }
    jest.restoreAllMocks();
    await expectPreviousCurrent(world);
    expect(world.events('pinflow.rolled_back')).toHaveLength(1);
  });

  it('the commit landed but its answer was lost: nothing is rolled back, generation 2 is current', async () => {
    const { real, spy } = recordIssued();
    spy.mockImplementationOnce(async (command: IssueCommand) => {
      await real(command);
      throw grpcUnavailable();
    });

    await expect(exchange(world, flow)).resolves.toMatchObject({
      generation: 2,
      secretVersion: '2',
      warnings: [],
    });

    await expect(world.inspect()).resolves.toMatchObject({
      generation: 2,
      secretVersion: '2',
      readable: true,
      newestEnabled: '2',
      olderEnabled: [],
      historyMatches: true,
    });
    expect(world.events('pinflow.rolled_back')).toEqual([]);
    expect(world.events('pinflow.record_confirmed')).toEqual([
      expect.objectContaining({ connection: 'prod', secretVersion: '2' }),
    ]);
    expect(world.noticeKinds()).toEqual(['renewal.succeeded', 'renewal.succeeded']);
  });

  it('a transaction re-run after its commit landed answers "superseded" by our own version: that is ours', async () => {
    const { real, spy } = recordIssued();
    spy.mockImplementationOnce(async (command: IssueCommand) => {
      await real(command);
      return real(command);
    });

    await expect(exchange(world, flow)).resolves.toMatchObject({ generation: 2, secretVersion: '2' });

    await expect(world.inspect()).resolves.toMatchObject({ secretVersion: '2', newestEnabled: '2' });
    expect(world.events('pinflow.rolled_back')).toEqual([]);
  });

  it('a newer token was recorded meanwhile: ours is superseded and disabled, the newer one stays current', async () => {
    const newer: TokenSecret = { token: 'newer-token-recorded-meanwhile', secret: 'newer-secret-meanwhile' };
    const { real, spy } = recordIssued();
    spy.mockImplementationOnce(async (command: IssueCommand) => {
      // Another exchange stores and records version 3 while ours (version 2) is on its way to the ledger.
      const version = await world.ctx.vault.putTokenPair('prod', newer);
      await real({ ...command, secretVersion: version });
      return real(command);
    });

    await expect(exchange(world, flow)).rejects.toMatchObject({
      code: 'ERR_SUPERSEDED',
      details: { step: 'ledger' },
    });

    await expect(world.ctx.vault.readTokenPair('prod', '2')).resolves.toBeUndefined();
    await expect(world.ctx.vault.readTokenPair('prod')).resolves.toEqual({ pair: newer, version: '3' });
    await expect(world.inspect()).resolves.toMatchObject({ generation: 2, secretVersion: '3' });
    expect(world.events('pinflow.rolled_back')).toEqual([
      expect.objectContaining({ connection: 'prod', secretVersion: '2', reason: 'superseded' }),
    ]);
    // Regression: the superseded exchange was reported as failing at the vault step.
    expect(world.events('pinflow.failed')).toEqual([
      expect.objectContaining({ step: 'ledger', code: 'ERR_SUPERSEDED' }),
    ]);
  });

  it('a rollback that fails leaves the answer as it was, is logged, and the next renewal heals it', async () => {
    recordIssued().spy.mockRejectedValueOnce(grpcUnavailable());
    jest.spyOn(world.ctx.vault, 'disableVersion').mockRejectedValueOnce(grpcUnavailable());

    await expect(exchange(world, flow)).rejects.toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
      message: RECORDING_FAILED,
    });

    expect(world.events('pinflow.rollback_failed')).toEqual([
      expect.objectContaining({
        connection: 'prod',
        secretVersion: '2',
        reason: 'ledger_failed',
        code: 'ERR_STORE_UNAVAILABLE',
      }),
    ]);
    // Still enabled: the gap this rollback closes, left open only when the vault fails too.
    await expect(world.inspect()).resolves.toMatchObject({ secretVersion: '1', newestEnabled: '2' });

    await expect(exchange(world, await startFlow(world))).resolves.toMatchObject({ secretVersion: '3' });
    await expect(world.inspect()).resolves.toMatchObject({ newestEnabled: '3', olderEnabled: [] });
    await expect(world.ctx.vault.readTokenPair('prod', '2')).resolves.toBeUndefined();
  });
});

describe('exchangePin through a Secret Manager blip (gcp stores)', () => {
  let world: World;
  let flow: Flow;

  beforeEach(async () => {
    ({ world, flow } = await preparedWorld('gcp'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await world.close();
  });

  const fake = () => world.secretManager!.fake;
  const enabledVersions = () =>
    fake()
      .versions(accessSecretId('prod'))
      .filter((v) => v.state === 'ENABLED')
      .map((v) => String(v.version));

  it('one UNAVAILABLE on AddSecretVersion: retried, then stored, recorded and announced once', async () => {
    const adds = fake().calls('AddSecretVersion');
    const publish = jest.spyOn(world.ctx.events, 'publish');
    fake().failNext('AddSecretVersion', grpcStatus.UNAVAILABLE);

    await expect(exchange(world, flow)).resolves.toMatchObject({
      generation: 2,
      secretVersion: '2',
      warnings: [],
    });

    expect(fake().calls('AddSecretVersion') - adds).toBe(2);
    await expect(world.inspect()).resolves.toMatchObject({
      generation: 2,
      secretVersion: '2',
      readable: true,
      simState: 'active',
      newestEnabled: '2',
      olderEnabled: [],
      historyMatches: true,
    });
    expect(enabledVersions()).toEqual(['2']);
    expect(publish.mock.calls).toEqual([
      [expect.objectContaining({ type: 'token.renewed', generation: 2, secretVersion: '2' })],
    ]);
    expect(world.noticeKinds()).toEqual(['renewal.succeeded', 'renewal.succeeded']);
  });

  it('an UNAVAILABLE whose write did land: the duplicate is older, and disabled after the commit', async () => {
    fake().failNextAfterCommit('AddSecretVersion', grpcStatus.UNAVAILABLE);

    await expect(exchange(world, flow)).resolves.toMatchObject({ generation: 2, secretVersion: '3' });

    expect(enabledVersions()).toEqual(['3']);
    await expect(world.inspect()).resolves.toMatchObject({ newestEnabled: '3', olderEnabled: [] });
  });

  it('a blip that outlasts the retries fails cleanly: 503, nothing enabled beyond version 1', async () => {
    const adds = fake().calls('AddSecretVersion');
    fake().failNext('AddSecretVersion', grpcStatus.UNAVAILABLE, WRITE_RETRY.retries + 1);

    const error: unknown = await exchange(world, flow).catch((err: unknown) => err);

    expect(error).toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
      message: 'Failed while storing the new token; the previous token is still current',
      details: { step: 'vault' },
    });
    expect(toErrorResponse(error)).toMatchObject({
      status: 503,
      body: { error: { code: 'ERR_STORE_UNAVAILABLE' } },
    });
    expect(fake().calls('AddSecretVersion') - adds).toBe(WRITE_RETRY.retries + 1);
    expect(enabledVersions()).toEqual(['1']);
    await expectPreviousCurrent(world);
    expect(world.noticeKinds()).toEqual(['renewal.succeeded', 'renewal.failed']);
  });

  it('DEADLINE_EXCEEDED is not retried: the write may have landed and the time is spent', async () => {
    const adds = fake().calls('AddSecretVersion');
    fake().failNext('AddSecretVersion', grpcStatus.DEADLINE_EXCEEDED);

    await expect(exchange(world, flow)).rejects.toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
      details: { step: 'vault' },
    });
    expect(fake().calls('AddSecretVersion') - adds).toBe(1);
    await expectPreviousCurrent(world);
  });
});
