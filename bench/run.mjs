// `npm run bench` (after `npm run build`): bundles the benchmarks with esbuild into dist/bench (our
// code bundled, packages left in node_modules), runs each in its own process, one after the other, and
// prints every ratio of this one run together. `node bench/run.mjs coldStart` runs one.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = ['coldStart', 'fanOut', 'statusLoad', 'renewal'];
/** Each benchmark stops itself well before this; the driver's limit only catches a hang. */
const LIMIT_MS = { renewal: 16 * 60_000 };
const DEFAULT_LIMIT_MS = 5 * 60_000;
const out = (text = '') => process.stdout.write(`${text}\n`);

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHES.includes(name));
if (unknown.length > 0) {
  out(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.join(', ')}`);
  process.exit(2);
}
const benches = wanted.length > 0 ? wanted : BENCHES;

await build({
  entryPoints: [
    ...benches.map((name) => `bench/${name}.ts`),
    'bench/support/childPreload.ts',
    'bench/floor/floorFunctions.ts',
    'bench/experiments/statusHeap.ts',
  ],
  absWorkingDir: root,
  outdir: 'dist/bench',
  outbase: 'bench',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// What infra/deploy.sh deploys, code caches included (made here as Cloud Functions' build makes them):
// the cold-start and renewal benchmarks run the functions from it.
const bundled = spawnSync(process.execPath, ['infra/bundle.mjs', '--train', '--out', '.deploy/app'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (bundled.status !== 0) {
  out('infra/bundle.mjs failed');
  process.exit(1);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'etrade-oauth-bench-results-'));
const results = [];
let failed = false;
for (const name of benches) {
  const resultFile = path.join(scratch, `${name}.json`);
  out(`\n=== ${name} ===`);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', `dist/bench/${name}.js`], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULT_FILE: resultFile },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS[name] ?? DEFAULT_LIMIT_MS);
    child.once('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve(exitCode ?? signal);
    });
  });
  out(`(${name}: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${code})`);
  if (code !== 0) failed = true;
  try {
    results.push(JSON.parse(readFileSync(resultFile, 'utf8')));
  } catch {
    results.push({ bench: name, ratios: [], missing: true });
  }
}
rmSync(scratch, { recursive: true, force: true });

out('\n=== ratios of this run ===');
for (const result of results) {
  if (result.missing) out(`${result.bench}: no result (failed)`);
  for (const r of result.ratios) {
    out(
      `${r.pass ? 'ok  ' : 'MISS'}  ${r.name.padEnd(46)} ${r.value.toFixed(2).padStart(8)}  (target ${r.target})`,
    );
  }
}
out(
  `load avg at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')} (1 / 5 / 15 min)`,
);
process.exit(failed ? 1 : 0);
