import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Firestore } from '@google-cloud/firestore';

import { FirestoreTokenLedger } from '../../shared/adapters/gcp/firestoreTokenLedger';
import { FileTokenLedger } from '../../shared/adapters/local/fileTokenLedger';
import { ManualClock } from '../../shared/ports/clock';
import { SnapshotTokenLedger } from '../../shared/status/snapshotTokenLedger';

/** The real Firestore ledger (emulator), counting the reads status would make. */
class CountingFirestoreLedger extends FirestoreTokenLedger {
  reads = 0;
  override getMany(connectionIds: readonly string[]) {
    this.reads++;
    return super.getMany(connectionIds);
  }
}

const firestore = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
afterAll(() => firestore.terminate());

const IDS = ['prod', 'sandbox'];
const WINDOW_MS = 1000;
const START = '2026-03-10T14:00:00.000Z';

/**
 * One instance's ledger (`ours`, wrapped as createContext wraps it) and another instance on the same
 * collections (`theirs`, as a keep-alive or PIN exchange in another process would write), with the
 * window's monotonic time stepped by hand.
 */
function world(maxAgeMs = WINDOW_MS) {
  const collectionPrefix = `snap${Date.now()}_${randomUUID().slice(0, 8)}_`;
  const inner = new CountingFirestoreLedger(firestore, { collectionPrefix });
  const theirs = new FirestoreTokenLedger(firestore, { collectionPrefix });
  const clock = new ManualClock(START);
  const time = { ms: 0 };
  const ours = new SnapshotTokenLedger(inner, { maxAgeMs, clock, monotonicNow: () => time.ms });
  const issue = (ledger: FirestoreTokenLedger | SnapshotTokenLedger, secretVersion: string) =>
    ledger.recordIssued({
      connectionId: 'prod',
      secretVersion,
      issuedAt: clock.now(),
      expiresAt: new Date('2026-03-11T04:00:00Z'),
    });
  const prodGeneration = async () => (await ours.snapshot(IDS)).records[0].generation;
  return { inner, theirs, ours, clock, time, issue, prodGeneration };
}

describe('SnapshotTokenLedger: status reads of a real Firestore ledger', () => {
  it('serves 50 concurrent status reads from one ledger read, all the same snapshot', async () => {
    const { inner, ours, theirs, issue } = world();
    await issue(theirs, '1');

    const snapshots = await Promise.all(Array.from({ length: 50 }, () => ours.snapshot(IDS)));

    expect(inner.reads).toBe(1);
    expect(new Set(snapshots.map((s) => s.asOf.toISOString()))).toEqual(new Set([START]));
    for (const snapshot of snapshots) {
      expect(snapshot.records.map((r) => [r.connectionId, r.generation])).toEqual([
        ['prod', 1],
        ['sandbox', 0],
      ]);
    }
  });

  it('shows another instance’s write once the window has passed, and not before', async () => {
    const { inner, theirs, time, issue, prodGeneration } = world();
    expect(await prodGeneration()).toBe(0);

    await issue(theirs, '1');
    time.ms += WINDOW_MS;
    expect(await prodGeneration()).toBe(0); // still within the window: the snapshot is served
    expect(inner.reads).toBe(1);

    time.ms += 1;
    expect(await prodGeneration()).toBe(1);
    expect(inner.reads).toBe(2);
  });

  it('shows a write made through this instance at once, inside the window', async () => {
    const { inner, ours, issue, prodGeneration } = world();
    expect(await prodGeneration()).toBe(0);

    await issue(ours, '1');
    expect(await prodGeneration()).toBe(1);
    expect(inner.reads).toBe(2);

    // Every connection write drops the snapshot, whether or not it changed anything.
    const used = await ours.recordUsed('prod', 1, new Date('2026-03-10T14:05:00Z'));
    expect(used.applied).toBe(true);
    expect((await ours.snapshot(IDS)).records[0].lastUsedAt).toEqual(new Date('2026-03-10T14:05:00Z'));
    await ours.recordKeepAlive('prod', 1, { at: new Date('2026-03-10T14:06:00Z'), outcome: 'touched' });
    expect((await ours.snapshot(IDS)).records[0].keepAlive.lastOutcome).toBe('touched');
    await ours.recordDead('prod', 1, { at: new Date('2026-03-10T14:07:00Z'), kind: 'revoked' });
    expect((await ours.snapshot(IDS)).records[0].revokedAt).toEqual(new Date('2026-03-10T14:07:00Z'));
    expect(inner.reads).toBe(5);
  });

  it('never lets a request after a write join a read that began before it', async () => {
    const { ours, issue } = world();
    const before = ours.snapshot(IDS); // in flight while the write runs

    await issue(ours, '1');
    const after = await ours.snapshot(IDS);

    expect(after.records[0].generation).toBe(1);
    await before; // whatever it saw, it began before the write
  });

  it('does not join a read that began longer ago than the window (a slow store)', async () => {
    const { inner, ours, time } = world();
    const first = ours.snapshot(IDS);
    time.ms += WINDOW_MS + 1;
    const second = ours.snapshot(IDS);

    await Promise.all([first, second]);
    expect(inner.reads).toBe(2);
  });

  it('stamps asOf with the clock when the read began, and keeps it while serving the snapshot', async () => {
    const { ours, clock, time } = world();
    const first = await ours.snapshot(IDS);
    clock.advance(400);
    time.ms += 400;
    const again = await ours.snapshot(IDS);
    time.ms += WINDOW_MS;
    const fresh = await ours.snapshot(IDS);

    expect(first.asOf.toISOString()).toBe(START);
    expect(again.asOf.toISOString()).toBe(START);
    expect(fresh.asOf.toISOString()).toBe('2026-03-10T14:00:00.400Z');
  });

  it('with a window of 0, reads the ledger for every request', async () => {
    const { inner, ours, theirs, issue, prodGeneration } = world(0);
    await Promise.all(Array.from({ length: 5 }, () => ours.snapshot(IDS)));
    expect(inner.reads).toBe(5);

    await issue(theirs, '1');
    expect(await prodGeneration()).toBe(1);
  });

  it('refuses a window that is not a non-negative integer', () => {
    const { inner, clock } = world();
    for (const maxAgeMs of [-1, 0.5, Number.NaN]) {
      expect(() => new SnapshotTokenLedger(inner, { maxAgeMs, clock })).toThrow(
        /maxAgeMs must be a non-negative integer/,
      );
    }
  });
});

describe('SnapshotTokenLedger: a failed read', () => {
  it('is not served again: the next request reads the store, inside the window', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'snapshot-ledger-'));
    try {
      const file = path.join(dir, 'ledger.json');
      await writeFile(file, '{ not json');
      const time = { ms: 0 };
      const ours = new SnapshotTokenLedger(new FileTokenLedger(file), {
        maxAgeMs: WINDOW_MS,
        clock: new ManualClock(START),
        monotonicNow: () => time.ms,
      });

      const failures = await Promise.allSettled([ours.snapshot(IDS), ours.snapshot(IDS)]);
      expect(failures.map((f) => f.status)).toEqual(['rejected', 'rejected']);

      await rm(file);
      const snapshot = await ours.snapshot(IDS);
      expect(snapshot.records.map((r) => r.generation)).toEqual([0, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
