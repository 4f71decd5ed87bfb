import { readFileSync } from 'node:fs';
import path from 'node:path';

import { jsonLogger } from '../log';
import { loadBundle } from './bundleLoader';

/**
 * The deployed package's main (infra/bundle.mjs writes it to bundle/index.js): loads the bundle of
 * the function this instance serves (FUNCTION_TARGET, or functions-framework's --target) with its
 * code cache; every function's bundle when the target is not one of them. Each bundle registers its
 * function with functions-framework, as functions/<name>.ts does.
 */
const dir = __dirname;
const names = JSON.parse(readFileSync(path.join(dir, 'functions.json'), 'utf8')) as string[];
const target =
  process.env.FUNCTION_TARGET ??
  process.argv.find((arg) => arg.startsWith('--target='))?.slice('--target='.length);

for (const name of target !== undefined && names.includes(target) ? [target] : names) {
  const { cache } = loadBundle(path.join(dir, `${name}.js`), path.join(dir, `${name}.cache`));
  // Compiling as usual costs this cold start its CPU: worth a line (built on another V8, or other flags).
  if (cache !== 'accepted') jsonLogger().warn('code_cache.unused', { function: name, cache });
}
