import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Firestore, Timestamp } from '@google-cloud/firestore';

import { FirestoreTokenLedger } from '../../shared/adapters/gcp/firestoreTokenLedger';
import { MemoryTokenLedger } from '../support/memoryTokenLedger';
import { FileTokenLedger } from '../../shared/adapters/local/fileTokenLedger';
import { ManualClock } from '../../shared/ports/clock';
import { FLOW_KEPT_AFTER_EXPIRY_MS } from '../../shared/ports/tokenLedger';
import { tokenLedgerContract } from '../contracts/tokenLedger.contract';

// One client for the file (as in production, one per instance); each test gets its own collections.
const firestore = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
afterAll(() => firestore.terminate());

const uniquePrefix = (): string => `t${Date.now()}_${randomUUID().slice(0, 8)}_`;

// The emulator is thrown away after the run, so the collections are left behind rather than deleted.
tokenLedgerContract('FirestoreTokenLedger', async () => ({
  ledger: new FirestoreTokenLedger(firestore, { collectionPrefix: uniquePrefix() }),
  cleanup: async () => undefined,
}));

tokenLedgerContract('FileTokenLedger', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ledger-'));
  return {
    ledger: new FileTokenLedger(path.join(dir, 'ledger.json')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

// The in-memory stand-in the calendar sweeps use must honour the same contract it stands in for.
tokenLedgerContract('MemoryTokenLedger (test support)', async () => ({
  ledger: new MemoryTokenLedger(),
  cleanup: async () => undefined,
}));

const flow = (id: string, expiresAt: Date) => ({
  id,
  connectionId: 'c',
  requestToken: 'rt',
  requestSecret: 'rs',
  ownerSession: 'alice',
  createdAt: new Date(expiresAt.getTime() - 300_000),
  expiresAt,
  attempts: 0,
});

describe('FirestoreTokenLedger storage', () => {
  it('writes the expireAt TTL field on pending flows and markers', async () => {
    const prefix = uniquePrefix();
    const ledger = new FirestoreTokenLedger(firestore, { collectionPrefix: prefix });
    const expiresAt = new Date(Date.now() + 300_123);

    await ledger.createFlow(flow('f1', expiresAt));
    await ledger.claimMarker('alert/c/2026-03-02', new Date(), expiresAt);

    const flowDoc = await firestore.collection(`${prefix}pinFlows`).doc('f1').get();
    const markers = await firestore.collection(`${prefix}markers`).get();
    // A flow is kept an hour past its 5 minutes, so a late code is answered "the window closed".
    expect(flowDoc.get('expireAt')).toEqual(
      Timestamp.fromDate(new Date(expiresAt.getTime() + FLOW_KEPT_AFTER_EXPIRY_MS)),
    );
    expect(markers.docs.map((d) => [d.id, d.get('key'), d.get('expireAt')])).toEqual([
      ['alert%2Fc%2F2026-03-02', 'alert/c/2026-03-02', Timestamp.fromDate(expiresAt)],
    ]);
  });

  it('stores no undefined fields, so a client without ignoreUndefinedProperties works', async () => {
    const prefix = uniquePrefix();
    const ledger = new FirestoreTokenLedger(firestore, { collectionPrefix: prefix });
    await ledger.recordIssued({
      connectionId: 'c',
      secretVersion: '1',
      issuedAt: new Date(),
      expiresAt: new Date(),
    });

    const data = (await firestore.collection(`${prefix}connections`).doc('c').get()).data();
    expect(Object.keys(data ?? {}).sort()).toEqual(
      [
        'connectionId',
        'expiresAt',
        'generation',
        'history',
        'issuedAt',
        'keepAlive',
        'lastUsedAt',
        'secretVersion',
      ].sort(),
    );
    expect(data?.keepAlive).toEqual({ failureStreak: 0 });
  });
});

describe('FirestoreTokenLedger transactions', () => {
  afterEach(() => jest.restoreAllMocks());

  it('gives every transaction the configured attempt budget, and the client default otherwise', async () => {
    const spy = jest.spyOn(firestore, 'runTransaction');
    const tuned = new FirestoreTokenLedger(firestore, { collectionPrefix: uniquePrefix(), maxAttempts: 9 });
    await tuned.recordUsed('c', 1, new Date());
    await tuned.claimFlowAttempt('f', 'alice', new Date(), 3);
    await tuned.claimMarker('m', new Date(), new Date(Date.now() + 60_000));
    await new FirestoreTokenLedger(firestore, { collectionPrefix: uniquePrefix() }).recordUsed(
      'c',
      1,
      new Date(),
    );

    expect(spy.mock.calls.map(([, options]) => options)).toEqual([
      { maxAttempts: 9 },
      { maxAttempts: 9 },
      { maxAttempts: 9 },
      {},
    ]);
  });
});

describe('FileTokenLedger storage', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ledger-'));
    file = path.join(dir, 'ledger.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the file private (0600) and leaves no temp files behind', async () => {
    const ledger = new FileTokenLedger(file);
    await ledger.recordIssued({
      connectionId: 'c',
      secretVersion: '1',
      issuedAt: new Date(),
      expiresAt: new Date(),
    });
    await ledger.recordUsed('c', 1, new Date());

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).connections.c.generation).toBe(1);
    expect(await readdir(dir)).toEqual(['ledger.json']);
  });

  it('prunes expired markers on the next write, and flows an hour after they expired (the local TTL)', async () => {
    const clock = new ManualClock('2026-03-02T14:00:00.000Z');
    const ledger = new FileTokenLedger(file, { clock });
    await ledger.createFlow(flow('f1', new Date('2026-03-02T14:05:00.000Z')));
    await ledger.claimMarker('m1', clock.now(), new Date('2026-03-02T14:05:00.000Z'));
    await ledger.claimMarker('m2', clock.now(), new Date('2026-03-03T14:05:00.000Z'));

    clock.set('2026-03-02T14:05:00.000Z');
    await ledger.recordIssued({
      connectionId: 'c',
      secretVersion: '1',
      issuedAt: clock.now(),
      expiresAt: clock.now(),
    });
    let stored = JSON.parse(await readFile(file, 'utf8'));
    // An expired flow stays listed an hour (flowsOf: "the window closed"), never usable.
    expect(Object.keys(stored.flows)).toEqual(['f1']);
    expect(Object.keys(stored.markers)).toEqual(['m2']);
    expect(await ledger.claimFlowAttempt('f1', 'alice', clock.now(), 5)).toEqual({
      ok: false,
      reason: 'expired',
    });

    clock.set('2026-03-02T15:05:00.000Z');
    await ledger.recordUsed('c', 1, clock.now());
    stored = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(stored.flows)).toEqual([]);
  });

  it('refuses to read a corrupt file instead of treating it as empty', async () => {
    await writeFile(file, '{"connections":{"c":{"generation":"one"}}}');
    await expect(new FileTokenLedger(file).get('c')).rejects.toThrow(`token ledger ${file} is unreadable`);
  });

  it('keeps serving writes after one fails', async () => {
    const ledger = new FileTokenLedger(file);
    const bad = ledger.recordIssued({
      connectionId: 'c',
      secretVersion: 'v1',
      issuedAt: new Date(),
      expiresAt: new Date(),
    });
    await expect(bad).rejects.toThrow('secretVersion');
    const good = await ledger.recordIssued({
      connectionId: 'c',
      secretVersion: '1',
      issuedAt: new Date(),
      expiresAt: new Date(),
    });
    expect(good.record.generation).toBe(1);
  });
});
