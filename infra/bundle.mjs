// The deployed package: one bundle per function (our code and every dependency but
// functions-framework, minified), a loader as the package's main, and the code-cache trainer as its
// gcp-build script. `node infra/bundle.mjs [--out <dir>] [--train]` (infra/deploy.sh runs it; --train
// also makes the code caches here, as Cloud Functions' build does: the benchmarks use that).
// Why: a cold start at 1 vCPU spends most of its CPU finding, reading and compiling ~900 modules;
// docs/performance.md has the figures.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { out: { type: 'string', default: '.deploy/app' }, train: { type: 'boolean', default: false } },
});
const out = path.resolve(root, values.out);
const bundleDir = path.join(out, 'bundle');

// functions/<name>.ts is one function, registered under its file name (test/infra checks the Terraform).
const functions = readdirSync(path.join(root, 'functions'))
  .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
  .map((file) => path.basename(file, '.ts'))
  .sort();

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The framework stays in node_modules: the bundle must register with the copy that serves it.
  external: ['@google-cloud/functions-framework'],
};

rmSync(out, { recursive: true, force: true });
mkdirSync(bundleDir, { recursive: true });
await Promise.all([
  ...functions.map((name) =>
    build({
      ...common,
      stdin: {
        // The function's own file (it registers itself) and, for the trainer, the composition root.
        contents: `module.exports = { ...require('./functions/${name}'), createContext: require('./shared/app/createContext').createContext };`,
        resolveDir: root,
        sourcefile: `${name}.entry.js`,
        loader: 'js',
      },
      outfile: path.join(bundleDir, `${name}.js`),
    }),
  ),
  build({
    ...common,
    entryPoints: ['shared/deploy/functionEntry.ts'],
    outfile: path.join(bundleDir, 'index.js'),
  }),
  build({
    ...common,
    entryPoints: ['shared/deploy/trainCodeCache.ts'],
    outfile: path.join(bundleDir, 'train.js'),
  }),
]);

// Each function's NODE_OPTIONS, as infra deploys them: a code cache is only taken under its own flags.
const { parse } = (await import('@cdktf/hcl2json')).default;
const hcl = await parse('locals.tf', readFileSync(path.join(root, 'infra', 'locals.tf'), 'utf8'));
const extra = Object.assign({}, ...(hcl.locals ?? [])).function_env_extra ?? {};
const runtime = Object.fromEntries(
  functions.map((name) => [
    name,
    extra[name]?.NODE_OPTIONS ? { NODE_OPTIONS: extra[name].NODE_OPTIONS } : {},
  ]),
);
writeFileSync(path.join(bundleDir, 'functions.json'), `${JSON.stringify(functions)}\n`);
writeFileSync(path.join(bundleDir, 'runtime.json'), `${JSON.stringify(runtime, null, 2)}\n`);

// The same dependencies (Cloud Functions installs them from the lock: functions-framework serves the
// bundles), the loader as main, the trainer as the build step.
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const deployed = { ...pkg, main: 'bundle/index.js', scripts: { 'gcp-build': 'node bundle/train.js' } };
delete deployed.bin;
writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(deployed, null, 2)}\n`);
copyFileSync(path.join(root, 'package-lock.json'), path.join(out, 'package-lock.json'));

if (values.train) {
  const run = spawnSync(process.execPath, [path.join(bundleDir, 'train.js')], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
process.stdout.write(`bundled ${functions.length} functions into ${path.relative(root, out)}\n`);
