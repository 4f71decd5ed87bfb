import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Firestore } from '@google-cloud/firestore';

import { FirestoreTokenLedger } from '../../shared/adapters/gcp/firestoreTokenLedger';
import { FileTokenLedger } from '../../shared/adapters/local/fileTokenLedger';
import type { GenerationWrite, IssueResult, TokenLedger } from '../../shared/ports/tokenLedger';
import { seededRandom } from '../support/random';

// Proof that "newest wins" survives real contention. Each interleaving replays one connection's worst
// case: generation 1 is read by slow writers (keep-alive, trading system, death report), a renewal
// lands (generation 2), and then several PIN exchanges race with shuffled vault versions while the
// slow writers finally report on generation 1. The interleavings run in parallel on separate
// connections: the emulator serialises contended transactions per document with lock back-off, so
// one at a time would take minutes.
const INTERLEAVINGS = 50;
const ISSUERS = 5; // concurrent recordIssued per interleaving
const STALE_WRITERS = 4; // concurrent generation-1 writes per interleaving
const MAX_JITTER_MS = 15;
const BASE = Date.parse('2026-03-02T14:00:00.000Z');

interface Figures {
  applied: number;
  superseded: number;
  /** Transaction bodies run again because another writer got there first: proof the writes overlapped. */
  retries?: number;
  /** Most runs one transaction needed; the client gives up (ABORTED) after 5 by default. */
  maxRuns?: number;
}

async function interleaving(ledger: TokenLedger, seed: number, figures: Figures): Promise<void> {
  const random = seededRandom(seed);
  const id = `race-${seed}`;
  const issue = (version: number) =>
    ledger.recordIssued({
      connectionId: id,
      secretVersion: String(version),
      issuedAt: new Date(BASE + version * 1000 + 7),
      expiresAt: new Date(BASE + 86_400_000),
    });
  await issue(1);
  const staleGeneration = (await ledger.get(id)).generation;
  await issue(2);

  const versions = shuffle(
    random,
    Array.from({ length: ISSUERS }, (_, i) => i + 3),
  );
  const later = new Date(BASE + 3_600_000);
  const staleWrites: (() => Promise<GenerationWrite<unknown>>)[] = [
    () => ledger.recordKeepAlive(id, staleGeneration, { at: later, outcome: 'failed', errorCode: 'STALE' }),
    () => ledger.recordUsed(id, staleGeneration, later),
    () => ledger.recordDead(id, staleGeneration, { at: later, kind: 'died' }),
    () => ledger.recordKeepAlive(id, staleGeneration, { at: later, outcome: 'renewed' }),
  ].slice(0, STALE_WRITERS);
  const jittered = <T>(write: () => Promise<T>): Promise<T> => sleep(random() * MAX_JITTER_MS).then(write);

  const [issues, stale] = await Promise.all([
    settled(versions.map((v) => jittered(() => issue(v)))),
    settled(staleWrites.map((write) => jittered(write))),
  ]);
  const final = await ledger.get(id);

  const applied = issues.filter(
    (r): r is Extract<IssueResult, { outcome: 'applied' }> => r.outcome === 'applied',
  );
  figures.applied += applied.length;
  figures.superseded += issues.length - applied.length;

  // Newest wins, and exactly one generation per applied issue: no two issues built on the same record.
  expect(final.secretVersion).toBe(String(ISSUERS + 2));
  expect(final.generation).toBe(2 + applied.length);
  expect(applied.map((r) => r.record.generation).sort((a, b) => a - b)).toEqual(
    Array.from({ length: applied.length }, (_, i) => i + 3),
  );
  expect(final.history.map((e) => e.generation)).toEqual(
    Array.from({ length: final.generation }, (_, i) => final.generation - i),
  );
  // Each applied issue is in the history under the generation it was given; versions rise with it.
  for (const r of applied) {
    expect(final.history.find((e) => e.generation === r.record.generation)?.secretVersion).toBe(
      r.record.secretVersion,
    );
  }
  const historyVersions = final.history.map((e) => Number(e.secretVersion));
  expect(historyVersions).toEqual([...historyVersions].sort((a, b) => b - a));
  expect(new Set(historyVersions).size).toBe(historyVersions.length);
  issues.forEach((r, i) => {
    if (r.outcome === 'applied') {
      expect(r.record.secretVersion).toBe(String(versions[i]));
    } else {
      // It saw a committed record naming a version at least its own.
      expect(Number(r.record.secretVersion)).toBeGreaterThanOrEqual(versions[i]);
      expect(historyVersions).toContain(Number(r.record.secretVersion));
    }
  });

  // The slow writers all lost, and left nothing behind.
  expect(stale.map((w) => w.applied)).toEqual(stale.map(() => false));
  expect(final.keepAlive).toEqual({ failureStreak: 0 });
  expect(final.lastUsedAt).toEqual(final.issuedAt);
  expect(final.diedAt).toBeUndefined();
  expect(final.lastRenewedAt).toBeUndefined();
}

/**
 * Promise.all that waits for every promise before failing: a failed writer must not end the test (and
 * close the client) under writers still running. The error says how many failed.
 */
async function settled<T>(promises: Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(promises);
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length > 0) {
    throw new Error(`${failures.length}/${outcomes.length} failed; first: ${String(failures[0])}`, {
      cause: failures[0],
    });
  }
  return outcomes.map((o) => (o as PromiseFulfilledResult<T>).value);
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

async function race(name: string, ledger: TokenLedger, figures: Figures): Promise<void> {
  const started = Date.now();
  await settled(Array.from({ length: INTERLEAVINGS }, (_, seed) => interleaving(ledger, seed + 1, figures)));
  // The figures belong in the test report (ISSUERS + STALE_WRITERS concurrent writers each).
  // eslint-disable-next-line no-console
  console.log(
    `${name}: ${INTERLEAVINGS} interleavings x ${ISSUERS + STALE_WRITERS} concurrent writers ` +
      `(${ISSUERS} issues + ${STALE_WRITERS} stale): ${figures.applied} issues applied, ` +
      `${figures.superseded} superseded, ${figures.retries ?? 'no'} transaction retries ` +
      `(max runs of one transaction: ${figures.maxRuns ?? 1}), ${Date.now() - started} ms`,
  );
  expect(figures.applied + figures.superseded).toBe(INTERLEAVINGS * ISSUERS);
}

/** Wraps the client's runTransaction so every extra run of a transaction body is counted. */
function countRetries(firestore: Firestore, figures: { retries: number; maxRuns: number }): void {
  const run = firestore.runTransaction.bind(firestore);
  jest.spyOn(firestore, 'runTransaction').mockImplementation((body, options) => {
    let runs = 0;
    return run((tx) => {
      runs += 1;
      if (runs > 1) figures.retries += 1;
      figures.maxRuns = Math.max(figures.maxRuns, runs);
      return body(tx);
    }, options);
  });
}

describe('TokenLedger under concurrent writers', () => {
  it('FirestoreTokenLedger on the real emulator: newest wins, stale writes leave no trace', async () => {
    const firestore = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
    const figures = { applied: 0, superseded: 0, retries: 0, maxRuns: 0 };
    countRetries(firestore, figures);
    try {
      const prefix = `t${Date.now()}_${randomUUID().slice(0, 8)}_`;
      await race(
        'FirestoreTokenLedger',
        // Nine writers on one document is three times production's worst case; seen so far: up to 4
        // runs of one transaction, so the client's default of 5 would make this test flaky.
        new FirestoreTokenLedger(firestore, { collectionPrefix: prefix, maxAttempts: 10 }),
        figures,
      );
      // Without overlapping transactions this test would prove nothing (runs so far: ~200 retries).
      expect(figures.retries).toBeGreaterThan(0);
    } finally {
      await firestore.terminate();
    }
  }, 60_000);

  it('FileTokenLedger: one file, every connection racing through the same queue', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ledger-race-'));
    try {
      await race('FileTokenLedger', new FileTokenLedger(path.join(dir, 'ledger.json')), {
        applied: 0,
        superseded: 0,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
