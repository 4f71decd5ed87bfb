import { performance } from 'node:perf_hooks';

import { runKeepAlive } from '../../shared/keepalive';
import type { SecretVault } from '../../shared/ports/secretVault';
import type { TokenLedger } from '../../shared/ports/tokenLedger';
import { KeepAliveHarness, MINUTE } from './keepAliveHarness';

const CONNECTIONS = 1_000;
const CONCURRENCY = 32;

/**
 * Counts connections in flight through the real stores: a live connection enters when it reads its
 * pair from the vault (before calling E*TRADE) and leaves once its outcome is in the ledger.
 */
function countingInFlight(h: KeepAliveHarness) {
  let inFlight = 0;
  let max = 0;

  const vault: SecretVault = Object.create(h.vault) as SecretVault;
  vault.readTokenPair = (id, version) => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    return h.vault.readTokenPair(id, version);
  };
  const ledger: TokenLedger = Object.create(h.ledger) as TokenLedger;
  ledger.recordKeepAlive = async (...args) => {
    try {
      return await h.ledger.recordKeepAlive(...args);
    } finally {
      inFlight -= 1;
    }
  };
  return { vault, ledger, max: () => max };
}

describe('runKeepAlive at 1,000 connections', () => {
  let h: KeepAliveHarness;
  const ids = Array.from({ length: CONNECTIONS }, (_, i) => `k${String(i + 1).padStart(4, '0')}`);

  beforeAll(async () => {
    h = await KeepAliveHarness.start({
      startAt: '2026-03-10T13:00:00Z',
      connections: ids.map((id) => ({ id, environment: 'sandbox' as const })),
      silent: true,
    });
    await h.issueMany(ids, CONCURRENCY);
  }, 60_000);
  afterAll(() => h.close());

  it('touches every live token in one invocation without exceeding the concurrency bound', async () => {
    h.clock.advance(91 * MINUTE);
    const counter = countingInFlight(h);
    const before = h.sim.requests.length;

    const started = performance.now();
    const report = await runKeepAlive(
      { ...h.ctx, vault: counter.vault, ledger: counter.ledger },
      { concurrency: CONCURRENCY, connectionIds: ids },
    );
    const wallMs = performance.now() - started;

    expect(report.counts).toMatchObject({ touched: CONNECTIONS, failed: 0, superseded: 0 });
    expect(report.connections.map((c) => c.connectionId)).toEqual(ids);
    expect(h.sim.requests.length - before).toBe(CONNECTIONS);
    expect(counter.max()).toBeLessThanOrEqual(CONCURRENCY);
    expect(counter.max()).toBeGreaterThan(1);
    const records = await h.ledger.getMany(ids);
    expect(records.every((r) => r.lastUsedAt?.getTime() === h.clock.now().getTime())).toBe(true);
    // The file ledger rewrites the whole file per write, one at a time: that sets the floor.
    const sample = ids.slice(0, 50);
    const writesStarted = performance.now();
    for (const id of sample) await h.ledger.recordKeepAlive(id, 1, { at: h.clock.now(), outcome: 'touched' });
    const perWriteMs = (performance.now() - writesStarted) / sample.length;
    process.stdout.write(
      `keep-alive: ${CONNECTIONS} connections touched in ${Math.round(wallMs)} ms, max in flight ` +
        `${counter.max()} of ${CONCURRENCY}; one FileTokenLedger write at this size takes ` +
        `${perWriteMs.toFixed(1)} ms (x${CONNECTIONS} = ${Math.round(perWriteMs * CONNECTIONS)} ms)\n`,
    );
    // Everything but the ledger's queue runs alongside it: the run stays within reach of that floor.
    expect(wallMs).toBeLessThan(perWriteMs * CONNECTIONS * 1.5 + 5_000);
  }, 60_000);
});
