/**
 * Status under load: the status function in its own functions-framework process, backed by Google's
 * Firestore emulator (the GCP ledger), driven by autocannon over loopback; against a hello-world
 * function on the same runtime, and against a floor that makes one Firestore read of the connections
 * per request: what status did before it served a snapshot of at most STATUS_MAX_AGE_MS (default 1 s
 * with Firestore) shared by every request meanwhile. Also the peak RSS of each process under that load.
 * Status runs as deployed (test/support/deployedEnv.ts): its mounted configuration secrets and its
 * runtime settings (NODE_OPTIONS); hello-world and the floor get the same runtime settings, so a ratio
 * compares code with code, and the floor loads only the Firestore client (status reads its secrets
 * from the environment). The three processes run side by side and take turns under load.
 * `node bench/run.mjs statusLoad`; BENCH_LOAD_SECONDS (8 per process and level), BENCH_LOAD_ROUNDS (4
 * turns), BENCH_LOAD_CONNECTIONS (`1,16`).
 */
import path from 'node:path';

import autocannon from 'autocannon';

import { deployedEnv } from '../test/support/deployedEnv';
import { FunctionProcess } from './support/functionProcess';
import { GcpWorld } from './support/gcpWorld';
import { summarise } from './support/modules';
import { deadline, load1, loadNote, say, table, writeResult, type RatioLine } from './support/report';
import { MIB, fixed, max, median } from './support/stats';

const ROOT = path.resolve(__dirname, '..', '..');
/** BENCH_LOAD_ENTRY: another build's entry point, for an A/B of a change. */
const ENTRY = process.env.BENCH_LOAD_ENTRY ?? path.join(ROOT, 'dist', 'functions', 'index.js');
const FLOOR = path.join(__dirname, 'floor', 'floorFunctions.js');
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 8);
const WARM_SECONDS = 2;
/** Each process's SECONDS at a level, served in this many turns (BENCH_LOAD_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 4);
const LEVELS = (process.env.BENCH_LOAD_CONNECTIONS ?? '1,16').split(',').map(Number);
const TARGET_THROUGHPUT = 0.5;
const TARGET_RSS = 128 * MIB;

interface Server {
  readonly name: string;
  readonly source: string;
  readonly env: Record<string, string>;
}

interface Round {
  readonly requests: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
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
  say(
    `status under load: ${SECONDS} s per process at ${LEVELS.join(' and ')} connections, in ${ROUNDS} turns; ${loadNote()}`,
  );
  const world = await GcpWorld.start();
  const results = new Map<string, Figures>();
  try {
    const project = await world.project();
    const deployed = await deployedEnv(ROOT);
    // BENCH_LOAD_NODE_OPTIONS (A/B of a setting): replaces the deployed NODE_OPTIONS in every process.
    const override = process.env.BENCH_LOAD_NODE_OPTIONS;
    const runtime = {
      ...deployed.runtime('status'),
      ...(override !== undefined && { NODE_OPTIONS: override }),
    };
    say(`NODE_OPTIONS of every process: ${runtime.NODE_OPTIONS ?? '(none)'}`);
    const base = { ...world.env(project.id), ...runtime, FUNCTION_SIGNATURE_TYPE: 'http' };
    const secrets = deployed.secrets('status', (id) => world.configSecrets[id]);
    const servers: Server[] = [
      { name: 'status', source: ENTRY, env: { ...base, ...secrets } },
      { name: 'hello', source: FLOOR, env: { ...base, BENCH_FLOOR_CLIENTS: '' } },
      {
        name: 'floor+io',
        source: FLOOR,
        env: { ...base, BENCH_FLOOR_CLIENTS: 'firestore', BENCH_FLOOR_IO: '1' },
      },
    ];
    const headers = { authorization: `Bearer ${world.apiKey}` };
    // BENCH_LOAD_NODE_ARGS: node flags for diagnosis, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    const nodeArgs = process.env.BENCH_LOAD_NODE_ARGS?.split(' ').filter(Boolean);
    const procs: FunctionProcess[] = [];
    try {
      for (const server of servers) {
        const proc = await FunctionProcess.spawn({
          source: server.source,
          target: 'status',
          signature: 'http',
          env: server.env,
          nodeArgs,
        });
        procs.push(proc);
        await proc.firstRequest({ method: 'GET', path: '/status', headers, expect: [200] });
      }
      for (const connections of LEVELS) {
        const loads: number[] = [];
        const rounds = servers.map((): Round[] => []);
        const drive = async (i: number, duration: number) => {
          const url = `http://127.0.0.1:${procs[i].port}/status`;
          const result = await autocannon({ url, connections, duration, headers });
          if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
            throw new Error(
              `${servers[i].name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts\n${procs[i].logTail()}`,
            );
          }
          return result;
        };
        for (let i = 0; i < servers.length; i++) await drive(i, WARM_SECONDS);
        // Short turns, each process in rotated order: a load swing from other work on the machine
        // lands on every process alike instead of on whichever one it happened to meet.
        for (let round = 0; round < ROUNDS; round++) {
          loads.push(load1());
          for (let k = 0; k < servers.length; k++) {
            const i = (k + round) % servers.length;
            const result = await drive(i, SECONDS / ROUNDS);
            rounds[i].push({
              requests: result.requests.total,
              seconds: result.duration,
              p50: result.latency.p50,
              p99: result.latency.p99,
            });
          }
        }
        servers.forEach((server, i) =>
          results.set(`${server.name}@${connections}`, {
            rps: sum(rounds[i].map((r) => r.requests)) / sum(rounds[i].map((r) => r.seconds)),
            p50: median(rounds[i].map((r) => r.p50)),
            p99: max(rounds[i].map((r) => r.p99)),
            peakRss: procs[i].memory().peakRss,
            load: median(loads),
          }),
        );
      }
      const { heavy, total } = summarise((await procs[0].dump()).modules);
      say(`status loaded ${total} modules; heavy packages: ${heavy.join(' ')}`);
    } finally {
      for (const proc of procs) await proc.stop();
    }
    await project.close();
  } finally {
    await world.close();
    clearTimeout(timer);
  }
  report(results);
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

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
    'p50: median of the turns; p99: the worst turn; peak RSS: VmHWM after the level (the process peak so far); ' +
      'load avg: median 1-min figure as each round began',
  );
  writeResult('statusLoad', ratios, { results: Object.fromEntries(results) });
}

main().catch((error: unknown) => {
  process.stderr.write(`statusLoad failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
