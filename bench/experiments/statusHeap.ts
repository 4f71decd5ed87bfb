/**
 * Diagnosis for statusLoad's memory figure: is the status process's peak RSS under load garbage that a
 * smaller heap would collect, or live memory that grows with requests? Live heap (after a forced GC)
 * between bursts of load. `node dist/bench/experiments/statusHeap.js` after bench/run.mjs statusLoad.
 */
import path from 'node:path';

import autocannon from 'autocannon';

import { FunctionProcess } from '../support/functionProcess';
import { GcpWorld } from '../support/gcpWorld';
import { deadline, loadNote, say, table } from '../support/report';
import { MIB, fixed } from '../support/stats';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BURSTS = Number(process.env.BENCH_HEAP_BURSTS ?? 4);

async function main(): Promise<void> {
  const timer = deadline(120_000, 'statusHeap');
  say(`status live heap between bursts of 5 s load at 16 connections; ${loadNote()}`);
  const world = await GcpWorld.start();
  const rows: string[][] = [];
  try {
    const project = await world.project();
    const proc = await FunctionProcess.spawn({
      source: path.join(ROOT, 'dist', 'functions', 'index.js'),
      target: 'status',
      signature: 'http',
      env: { ...world.env(project.id), NODE_OPTIONS: '--expose-gc' },
    });
    const headers = { authorization: `Bearer ${world.apiKey}` };
    await proc.firstRequest({ method: 'GET', path: '/status', headers, expect: [200] });
    let served = 1;
    const sample = async () => {
      const { memory } = await proc.dump();
      const { rss, peakRss } = proc.memory();
      rows.push([
        String(served),
        fixed(memory.heapUsed / MIB, 1),
        fixed(memory.heapTotal / MIB, 1),
        fixed(memory.external / MIB, 1),
        fixed(rss / MIB),
        fixed(peakRss / MIB),
      ]);
    };
    await sample();
    for (let i = 0; i < BURSTS; i++) {
      const url = `http://127.0.0.1:${proc.port}/status`;
      const result = await autocannon({ url, connections: 16, duration: 5, headers });
      served += result.requests.total;
      await sample();
    }
    await proc.stop();
    await project.close();
  } finally {
    await world.close();
    clearTimeout(timer);
  }
  say(
    table(
      ['requests served', 'live heap MiB', 'heap total MiB', 'external MiB', 'RSS MiB', 'peak RSS MiB'],
      rows,
    ),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`statusHeap failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
