/**
 * Keep-alive fan-out: 1,000 connections, each its own E*TRADE login under its own consumer key, against
 * the strict simulator with 100 ms added to every request, on the local adapters (file ledger and vault
 * in a temp dir, seeded as test/keepalive/scale.test.ts seeds them). Wall time of one runKeepAlive vs
 * the ideal N x latency x calls per connection / concurrency, and the request rate each login and each
 * consumer key saw. The same run on an in-memory ledger separates the fan-out from the file ledger.
 *
 * Each run is what a fresh keepAlive instance does: its own E*TRADE clients and the production logger
 * (jsonLogger, lines counted and dropped), which registers every token it meets for redaction. The
 * simulator runs in a child process (support/simulatorProcess.ts): E*TRADE's own work (parsing, checking
 * every signature) is not the keep-alive's cost, and in this process it was billed to the run.
 * `node bench/run.mjs fanOut`; BENCH_FANOUT_CONNECTIONS (1000), BENCH_FANOUT_CONCURRENCY (the default).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { FileSecretVault } from '../shared/adapters/local/fileSecretVault';
import { FileTokenLedger } from '../shared/adapters/local/fileTokenLedger';
import { InProcessEventBus } from '../shared/adapters/local/inProcessEventBus';
import { EtradeClients } from '../shared/app/etradeClients';
import { loadConfig } from '../shared/config';
import {
  DEFAULT_KEEP_ALIVE_CONCURRENCY,
  type KeepAliveContext,
  mapWithConcurrency,
  runKeepAlive,
} from '../shared/keepalive';
import { encodeRecord, type InstantCodec } from '../shared/ledger/storedForm';
import { applyIssued, emptyRecord } from '../shared/ledger/transitions';
import { jsonLogger, silentLogger } from '../shared/log';
import { ManualClock } from '../shared/ports/clock';
import type { TokenLedger } from '../shared/ports/tokenLedger';
import { nextNewYorkMidnight } from '../shared/time/newYork';
import { MemoryTokenLedger } from '../test/support/memoryTokenLedger';
import { deadline, loadNote, say, table, writeResult, type RatioLine } from './support/report';
import {
  type Arrival,
  SIMULATOR_CHILD_FLAG,
  SimulatorProcess,
  serveSimulator,
} from './support/simulatorProcess';
import { MIB, fixed } from './support/stats';

const N = Number(process.env.BENCH_FANOUT_CONNECTIONS ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_FANOUT_CONCURRENCY ?? DEFAULT_KEEP_ALIVE_CONCURRENCY);
const LATENCY_MS = 100;
const MINUTE = 60_000;
const TARGET_RATIO = 1.2;
const ISO: InstantCodec<string> = { encode: (at) => at.toISOString(), decode: (v) => new Date(String(v)) };

/** The most requests any one key made inside any 1-second window. */
function peakPerSecond(arrivals: readonly Arrival[], keyOf: (a: Arrival) => string): number {
  const byKey = new Map<string, number[]>();
  for (const a of arrivals) byKey.set(keyOf(a), [...(byKey.get(keyOf(a)) ?? []), a.at]);
  let peak = 0;
  for (const times of byKey.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j] - times[i] >= 1000) i++;
      peak = Math.max(peak, j - i + 1);
    }
  }
  return peak;
}

async function main(): Promise<void> {
  const timer = deadline(120_000, 'fanOut');
  say(
    `keep-alive fan-out: ${N} connections, simulator latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY}; ${loadNote()}`,
  );
  const clock = new ManualClock('2026-03-10T13:00:00Z');
  const ids = Array.from({ length: N }, (_, i) => `k${String(i + 1).padStart(4, '0')}`);
  // Each connection is its own login under its own consumer key, as in production.
  const consumerOf = (id: string) => ({ key: `bench-consumer-${id}`, secret: `bench-secret-${id}` });
  const sim = await SimulatorProcess.start(__filename, {
    consumers: ids.map(consumerOf),
    latencyMs: LATENCY_MS,
    nowMs: clock.now().getTime(),
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'etrade-oauth-fanout-'));
  const config = loadConfig({
    ETRADE_CONNECTIONS: JSON.stringify(ids.map((id) => ({ id, environment: 'sandbox' }))),
    ETRADE_OAUTH_BASE: sim.url,
    ETRADE_API_BASE: sim.url,
    ETRADE_AUTHORIZE_BASE: sim.authorizeUrlBase,
    KEEPALIVE_LEAD_MINUTES: '90',
  });
  const bySecretId = new Map(
    config.connections.map((c) => [c.consumerSecretId, JSON.stringify(consumerOf(c.id))]),
  );
  const secrets = { read: async (id: string) => bySecretId.get(id) };
  // The PIN flows that seed the tokens run elsewhere (exchangePin): their clients are not the runs'.
  const issuer = new EtradeClients({ secrets, clock, log: silentLogger });
  const vault = new FileSecretVault(path.join(dir, 'vault'), clock);
  const ledgerPath = path.join(dir, 'ledger.json');
  const rows: string[][] = [];
  const ratios: RatioLine[] = [];
  const figures: Record<string, unknown> = {};
  try {
    // Seed as the scale test does: a real PIN flow per connection, one vault version each, and the
    // ledger written as ONE file in FileTokenLedger's stored form (not 1,000 whole-file rewrites).
    const seedStarted = performance.now();
    const versions = await mapWithConcurrency(ids, 100, async (id) => {
      const connection = config.connections.find((c) => c.id === id);
      if (!connection) throw new Error(`no connection ${id}`);
      const client = await issuer.forConnection(connection);
      const request = await client.getRequestToken();
      const pair = await client.getAccessToken(request, await sim.approve(request.token));
      return vault.putTokenPair(id, pair);
    });
    const issuedAt = clock.now();
    const records = ids.map((connectionId, i) => {
      const command = {
        connectionId,
        secretVersion: versions[i],
        issuedAt,
        expiresAt: nextNewYorkMidnight(issuedAt),
      };
      return applyIssued(emptyRecord(connectionId), command).record;
    });
    const stored = Object.fromEntries(records.map((r) => [r.connectionId, encodeRecord(r, ISO)]));
    await writeFile(ledgerPath, JSON.stringify({ connections: stored, flows: {}, markers: {} }), {
      mode: 0o600,
    });
    say(`seeded ${N} live tokens in ${fixed((performance.now() - seedStarted) / 1000, 1)} s`);
    // 91 minutes on: every token is due for its keep-alive (lead 90) and none is idle yet (120).
    clock.advance(91 * MINUTE);
    await sim.setNow(clock.now().getTime());

    const memory = new MemoryTokenLedger();
    for (const record of records) memory.records.set(record.connectionId, record);
    const fileLedger = new FileTokenLedger(ledgerPath, { clock });
    // Both runs at the same instant, from the same seeded records: each ledger says every token is due.
    const runs: [string, TokenLedger][] = [
      ['memory ledger', memory],
      ['file ledger', fileLedger],
    ];
    for (const [name, ledger] of runs) {
      let logLines = 0;
      const log = jsonLogger(() => void (logLines += 1));
      const ctx: KeepAliveContext = {
        config,
        clock,
        ledger,
        vault,
        events: new InProcessEventBus(),
        notifier: { send: async () => undefined },
        etrade: new EtradeClients({ secrets, clock, log }),
        log,
      };
      await sim.record();
      const started = performance.now();
      const report = await runKeepAlive(ctx, { concurrency: CONCURRENCY, connectionIds: ids });
      const wallMs = performance.now() - started;
      const arrivals = await sim.takeArrivals();
      const callsPerConnection = arrivals.length / N;
      const idealMs = (N * LATENCY_MS * callsPerConnection) / CONCURRENCY;
      const ratio = wallMs / idealMs;
      const perLogin = peakPerSecond(arrivals, (a) => a.token);
      const perConsumer = peakPerSecond(arrivals, (a) => a.consumer);
      const aggregate = peakPerSecond(arrivals, () => 'all');
      const counts = Object.entries(report.counts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      rows.push([
        name,
        fixed(wallMs),
        fixed(idealMs),
        fixed(ratio, 2),
        fixed(callsPerConnection, 2),
        String(perLogin),
        String(perConsumer),
        String(aggregate),
        String(logLines),
        counts,
      ]);
      figures[name] = {
        wallMs,
        idealMs,
        ratio,
        callsPerConnection,
        perLogin,
        perConsumer,
        aggregate,
        counts: report.counts,
        logLines,
      };
      if (name === 'file ledger') {
        ratios.push({
          name: `fanOut wall/ideal (${name}, c=${CONCURRENCY})`,
          value: ratio,
          target: `<= ${TARGET_RATIO}`,
          pass: ratio <= TARGET_RATIO,
        });
        ratios.push({
          name: 'fanOut max requests/s per login',
          value: perLogin,
          target: '<= 2',
          pass: perLogin <= 2,
        });
      } else {
        ratios.push({
          name: `fanOut wall/ideal (${name}, c=${CONCURRENCY})`,
          value: ratio,
          target: `<= ${TARGET_RATIO}`,
          pass: ratio <= TARGET_RATIO,
        });
      }
    }
    // The file ledger rewrites (and fsyncs) the whole file per write, one write at a time: its floor.
    const sample = ids.slice(0, 50);
    const writesStarted = performance.now();
    for (const id of sample) await fileLedger.recordKeepAlive(id, 1, { at: clock.now(), outcome: 'touched' });
    const perWriteMs = (performance.now() - writesStarted) / sample.length;
    figures.fileLedgerWriteMs = perWriteMs;
    say(
      `one FileTokenLedger write at ${N} records: ${fixed(perWriteMs, 1)} ms, x ${N} writes = ${fixed(perWriteMs * N)} ms serial`,
    );
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
    clearTimeout(timer);
  }
  say();
  say(
    table(
      [
        'ledger',
        'wall ms',
        'ideal ms',
        'ratio',
        'calls/conn',
        'max req/s per login',
        'per consumer key',
        'all logins',
        'log lines',
        'outcomes',
      ],
      rows,
    ),
  );
  const peakRss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
  say(
    `ideal = ${N} x ${LATENCY_MS} ms x calls/conn / ${CONCURRENCY}; peak RSS of this process (the simulator is another) ${fixed(peakRss / MIB)} MiB; ${loadNote()}`,
  );
  writeResult('fanOut', ratios, { concurrency: CONCURRENCY, connections: N, latencyMs: LATENCY_MS, figures });
}

if (process.argv.includes(SIMULATOR_CHILD_FLAG)) {
  serveSimulator();
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`fanOut failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
