import { nyseCalendar } from '../../shared/calendar';
import { createTradingClient } from '../../shared/client';
import { runKeepAlive } from '../../shared/keepalive';
import { SnapshotTokenLedger } from '../../shared/status/snapshotTokenLedger';
import { statusReport } from '../../shared/status/statusReport';
import { CANARY_CONSUMER } from '../support/simulatedEtrade';
import { KeepAliveHarness, MINUTE, RETRIES } from './keepAliveHarness';

const ACCOUNTS = '/v1/accounts/list';
// 09:00 EDT on the first trading day after the 2026 switch to daylight time.
const MONDAY_MORNING = '2026-03-09T13:00:00Z';

/**
 * Regression: after three failed keep-alives the trading system kept the token busy, so every later
 * run skipped it and nothing reset the streak. Status said `failing` while the token demonstrably
 * worked, and the warning (sent at exactly the third failure) stayed spent for the next real outage.
 * A use after the last failed run ends the streak (shared/ledger/transitions.ts).
 */
describe('keep-alive health once the trading system has used the token after failures', () => {
  let h: KeepAliveHarness;

  beforeEach(async () => {
    h = await KeepAliveHarness.start({ startAt: MONDAY_MORNING });
  });
  afterEach(() => h.close());

  /** The status view, as the status function builds it: every read a fresh one. */
  async function prodStatus() {
    const ledgerSnapshots = new SnapshotTokenLedger(h.ledger, { maxAgeMs: 0, clock: h.clock });
    const report = await statusReport({
      config: h.config,
      clock: h.clock,
      calendar: nyseCalendar(),
      ledgerSnapshots,
    });
    const prod = report.connections.find((c) => c.id === 'prod');
    if (!prod) throw new Error('no prod in the status report');
    return prod;
  }

  /** One run during an outage of the accounts endpoint (every retry answered 503). */
  async function failingRun() {
    h.sim.inject({ kind: 'status', status: 503, times: 1 + RETRIES, path: ACCOUNTS });
    const report = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });
    expect(report.connections[0]).toMatchObject({ outcome: 'failed', errorCode: 'ERR_TRANSIENT' });
  }

  it('reports the token healthy, skips it, and warns again on the next outage', async () => {
    await h.issue('prod');
    h.clock.advance(91 * MINUTE);
    for (let run = 0; run < 3; run++) {
      await failingRun();
      h.clock.advance(5 * MINUTE);
    }
    expect(h.notifier.ofKind('keepalive.warning')).toHaveLength(1);
    expect(await prodStatus()).toMatchObject({
      state: 'failing',
      keepAlive: { consecutiveFailures: 3, lastOutcome: 'failed' },
    });

    // The trading system's own signed call, recorded as usage by its client (real signer, real ledger).
    const trading = createTradingClient({
      connectionId: 'prod',
      vault: h.vault,
      ledger: h.ledger,
      consumer: CANARY_CONSUMER,
      endpoints: h.config.connections.find((c) => c.id === 'prod')!.endpoints,
      clock: h.clock,
      usageThrottleMs: 0,
    });
    await trading.listAccounts();
    await trading.close();
    const usedAt = h.clock.now();

    expect(await prodStatus()).toMatchObject({
      state: 'active',
      lastUsedAt: usedAt.toISOString(),
      // What the last run said stays on record; the streak is what ended.
      keepAlive: { consecutiveFailures: 0, lastOutcome: 'failed', lastErrorCode: 'ERR_TRANSIENT' },
    });

    h.clock.advance(15 * MINUTE);
    const skipped = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });
    expect(skipped.connections[0].outcome).toBe('skipped');
    expect(await prodStatus()).toMatchObject({
      state: 'active',
      keepAlive: { consecutiveFailures: 0, lastOutcome: 'skipped' },
    });

    // The trading system stops; the keep-alive is due again and E*TRADE fails again: a new warning.
    h.clock.set(new Date(usedAt.getTime() + 91 * MINUTE));
    for (let run = 0; run < 3; run++) {
      await failingRun();
      h.clock.advance(5 * MINUTE);
    }
    expect(h.notifier.notices.map((n) => n.kind)).toEqual(['keepalive.warning', 'keepalive.warning']);
    expect(await prodStatus()).toMatchObject({ state: 'failing', keepAlive: { consecutiveFailures: 3 } });
  });
});
