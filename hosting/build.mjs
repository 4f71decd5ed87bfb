// Builds the Hosting page: hosting/src/*.ts bundled by esbuild, hosting/static/* copied alongside.
// `node hosting/build.mjs [--out <dir>]` (default hosting/dist, Firebase Hosting's `public`).
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));

/** One bundle per page; each HTML file loads exactly one script from 'self' (the CSP allows no inline code). */
const ENTRY_POINTS = { app: join(here, 'src/app.ts'), login: join(here, 'src/login.ts') };

export async function buildWeb({ outDir = join(here, 'dist') } = {}) {
  const out = resolve(outDir);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: ENTRY_POINTS,
    outdir: out,
    bundle: true,
    format: 'iife',
    // Phones a few years old: iOS Safari 15 and Chrome for Android of the same age.
    target: ['es2020', 'safari15', 'chrome100'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await cp(join(here, 'static'), out, { recursive: true });
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = await buildWeb(values.out === undefined ? {} : { outDir: values.out });
  process.stdout.write(`Built the page into ${out}\n`);
}
