import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Firestore } from '@google-cloud/firestore';

import { FirestoreTokenLedger } from '../../shared/adapters/gcp/firestoreTokenLedger';
import { FunctionsHarness, type Credentials } from '../support/functionsHarness';
import { LocalWorld } from '../support/localWorld';

/** The real Firestore ledger (emulator), counting the reads the status function makes. */
class CountingFirestoreLedger extends FirestoreTokenLedger {
  reads = 0;
  override getMany(connectionIds: readonly string[]) {
    this.reads++;
    return super.getMany(connectionIds);
  }
}

interface StatusBody {
  now: string;
  asOf: string;
  connections: {
    id: string;
    generation: number;
    lastUsedAt?: string;
    keepAlive: { lastOutcome?: string };
  }[];
}

const firestore = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
afterAll(() => firestore.terminate());

/**
 * The status function as deployed (functions/index.ts through functions-framework) on a Firestore
 * ledger, with the PIN flow, keep-alive and /touch served by the same process, as `npm start` does.
 */
describe('the status function under concurrent requests', () => {
  let world: LocalWorld;
  let fx: FunctionsHarness;
  let ledger: CountingFirestoreLedger;
  let theirs: FirestoreTokenLedger;
  let machine: Credentials;
  /** The default STATUS_MAX_AGE_MS on Firestore, as deployed (the file ledger's default is 0). */
  const WINDOW_MS = 1000;

  beforeEach(async () => {
    const collectionPrefix = `statusfn${Date.now()}_${randomUUID().slice(0, 8)}_`;
    ledger = new CountingFirestoreLedger(firestore, { collectionPrefix });
    // Another instance on the same collections (a keep-alive or PIN exchange in another process).
    theirs = new FirestoreTokenLedger(firestore, { collectionPrefix });
    world = await LocalWorld.start(
      '2026-11-25T13:30:00Z', // Wednesday 08:30 ET
      { STATUS_MAX_AGE_MS: String(WINDOW_MS) },
      { ledger },
    );
    fx = await new FunctionsHarness(world).start();
    machine = { bearer: world.api.apiKey };
  });
  afterEach(async () => {
    await fx.close();
    await world.close();
  });

  const status = async (path = '/status') => {
    const answer = await fx.call('status', path, { credentials: machine });
    expect(answer.status).toBe(200);
    return answer.body as StatusBody;
  };
  const prod = async () => (await status()).connections.find((c) => c.id === 'prod')!;

  async function renew(): Promise<void> {
    expect((await fx.renew(await fx.signIn())).status).toBe(200);
  }

  it('answers 16 concurrent requests from one ledger read, saying how fresh it is', async () => {
    const answers = await Promise.all(Array.from({ length: 16 }, () => status()));

    expect(ledger.reads).toBe(1);
    const asOf = new Set(answers.map((a) => a.asOf));
    expect(asOf).toEqual(new Set([new Date(world.etrade.now).toISOString()]));
    for (const answer of answers) expect(Date.parse(answer.asOf)).toBeLessThanOrEqual(Date.parse(answer.now));
    expect((await status('/keepalive/status')).asOf).toBe([...asOf][0]);
  });

  it('shows this process’s PIN exchange, keep-alive and touch at once, inside the window', async () => {
    expect(await prod()).toMatchObject({ generation: 0 }); // a warm snapshot, from before the exchange

    await renew();
    expect(await prod()).toMatchObject({ generation: 1 });

    world.advance(100 * 60_000); // unused for 100 minutes: keep-alive calls E*TRADE
    expect((await prod()).keepAlive.lastOutcome).toBeUndefined();
    expect(await fx.deliver('keepAlive', {})).toBe(204);
    expect((await prod()).keepAlive.lastOutcome).toBe('touched');

    world.advance(60_000);
    const touched = await fx.call('actions', '/touch', {
      body: { connection: 'prod' },
      credentials: machine,
    });
    expect(touched.status).toBe(200);
    expect((await prod()).lastUsedAt).toBe(new Date(world.etrade.now).toISOString());
  });

  it('shows another instance’s write within the window', async () => {
    expect((await prod()).generation).toBe(0);
    await theirs.recordIssued({
      connectionId: 'prod',
      secretVersion: '1',
      issuedAt: new Date(world.etrade.now),
      expiresAt: new Date('2026-11-26T05:00:00Z'),
    });
    const written = performance.now();

    let generation = (await prod()).generation;
    while (generation === 0 && performance.now() - written < 5_000) {
      await sleep(20);
      generation = (await prod()).generation;
    }

    expect(generation).toBe(1);
    // The window, plus one read and one request of slack on a busy machine.
    expect(performance.now() - written).toBeLessThan(WINDOW_MS + 700);
  });
});
