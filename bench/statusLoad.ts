/**
 * Status under load: the status function in its own functions-framework process, backed by Google's
 * Firestore emulator (the GCP ledger) and the Secret Manager fake, driven by autocannon over loopback;
 * against a hello-world function on the same runtime, and against a floor that does only the per-request
 * I/O status cannot avoid (one Firestore read of the connections; secrets cached, as ours are). Also the
 * peak RSS of each process under that load. `node bench/run.mjs statusLoad`;
 * BENCH_LOAD_SECONDS (8 per run), BENCH_LOAD_CONNECTIONS (`1,16`).
 */
import path from 'node:path';

import autocannon from 'autocannon';

import { FunctionProcess } from './support/functionProcess';
import { GcpWorld } from './support/gcpWorld';
import { deadline, load1, loadNote, say, table, writeResult, type RatioLine } from './support/report';
import { MIB, fixed } from './support/stats';

const ROOT = path.resolve(__dirname, '..', '..');
/** BENCH_LOAD_ENTRY: another build's entry point, for an A/B of a change. */
const ENTRY = process.env.BENCH_LOAD_ENTRY ?? path.join(ROOT, 'dist', 'functions', 'index.js');
const FLOOR = path.join(__dirname, 'floor', 'floorFunctions.js');
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 8);
const WARM_SECONDS = 2;
const LEVELS = (process.env.BENCH_LOAD_CONNECTIONS ?? '1,16').split(',').map(Number);
const TARGET_THROUGHPUT = 0.5;
const TARGET_RSS = 128 * MIB;

interface Server {
  readonly name: string;
  readonly source: string;
  readonly env: Record<string, string>;
}

interface Figures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly peakRss: number;
  readonly load: number;
}

async function main(): Promise<void> {
  const timer = deadline(170_000, 'statusLoad');
  say(`status under load: ${SECONDS} s per run at ${LEVELS.join(' and ')} connections; ${loadNote()}`);
  const world = await GcpWorld.start();
  const results = new Map<string, Figures>();
  try {
    const project = await world.project();
    // BENCH_LOAD_NODE_OPTIONS: V8 flags for every function process (e.g. a heap cap, as on a small instance).
    const nodeOptions = process.env.BENCH_LOAD_NODE_OPTIONS;
    const base = {
      ...world.env(project.id),
      FUNCTION_SIGNATURE_TYPE: 'http',
      ...(nodeOptions && { NODE_OPTIONS: nodeOptions }),
    };
    const servers: Server[] = [
      { name: 'status', source: ENTRY, env: base },
      { name: 'hello', source: FLOOR, env: { ...base, BENCH_FLOOR_CLIENTS: '' } },
      {
        name: 'floor+io',
        source: FLOOR,
        env: { ...base, BENCH_FLOOR_CLIENTS: 'firestore,secret-manager', BENCH_FLOOR_IO: '1' },
      },
    ];
    const headers = { authorization: `Bearer ${world.apiKey}` };
    for (const server of servers) {
      // BENCH_LOAD_NODE_ARGS: node flags for diagnosis, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
      const nodeArgs = process.env.BENCH_LOAD_NODE_ARGS?.split(' ').filter(Boolean);
      const proc = await FunctionProcess.spawn({
        source: server.source,
        target: 'status',
        signature: 'http',
        env: server.env,
        nodeArgs,
      });
      try {
        await proc.firstRequest({ method: 'GET', path: '/status', headers, expect: [200] });
        const url = `http://127.0.0.1:${proc.port}/status`;
        for (const connections of LEVELS) {
          await autocannon({ url, connections, duration: WARM_SECONDS, headers });
          const load = load1();
          const result = await autocannon({ url, connections, duration: SECONDS, headers });
          if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
            throw new Error(
              `${server.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts\n${proc.logTail()}`,
            );
          }
          const { peakRss } = proc.memory();
          results.set(`${server.name}@${connections}`, {
            rps: result.requests.average,
            p50: result.latency.p50,
            p99: result.latency.p99,
            peakRss,
            load,
          });
        }
      } finally {
        await proc.stop();
      }
    }
    await project.close();
  } finally {
    await world.close();
    clearTimeout(timer);
  }
  report(results);
}

function report(results: Map<string, Figures>): void {
  const ratios: RatioLine[] = [];
  const rows: string[][] = [];
  for (const connections of LEVELS) {
    const hello = results.get(`hello@${connections}`);
    const floorIo = results.get(`floor+io@${connections}`);
    for (const name of ['status', 'hello', 'floor+io']) {
      const f = results.get(`${name}@${connections}`);
      if (!f) continue;
      const vsHello = hello ? f.rps / hello.rps : NaN;
      const vsIo = floorIo ? f.rps / floorIo.rps : NaN;
      rows.push([
        `${name} c=${connections}`,
        fixed(f.rps),
        fixed(f.p50),
        fixed(f.p99),
        fixed(vsHello, 2),
        fixed(vsIo, 2),
        fixed(f.peakRss / MIB),
        fixed(f.load, 2),
      ]);
      if (name === 'status') {
        ratios.push({
          name: `statusLoad req/s status/hello c=${connections}`,
          value: vsHello,
          target: `>= ${TARGET_THROUGHPUT}`,
          pass: vsHello >= TARGET_THROUGHPUT,
        });
        ratios.push({
          name: `statusLoad req/s status/floor+io c=${connections}`,
          value: vsIo,
          target: `>= ${TARGET_THROUGHPUT}`,
          pass: vsIo >= TARGET_THROUGHPUT,
        });
        ratios.push({
          name: `peak RSS status under load c=${connections} (MiB)`,
          value: f.peakRss / MIB,
          target: '<= 128',
          pass: f.peakRss <= TARGET_RSS,
        });
      }
    }
  }
  say();
  say(
    table(
      ['process', 'req/s', 'p50 ms', 'p99 ms', 'req/s vs hello', 'vs floor+io', 'peak RSS MiB', 'load avg'],
      rows,
    ),
  );
  say(
    'peak RSS is VmHWM after that run (the process peak so far); load avg is the 1-min figure as the run began',
  );
  writeResult('statusLoad', ratios, { results: Object.fromEntries(results) });
}

main().catch((error: unknown) => {
  process.stderr.write(`statusLoad failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
