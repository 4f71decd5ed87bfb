import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { AppContext } from '../app/context';
import type { Env } from '../config';
import { silentLogger } from '../log';
import { loadBundle } from './bundleLoader';

/**
 * Makes each function bundle's V8 code cache (bundle/<name>.cache), in the build that deploys it:
 * `node bundle/train.js` is the deployed package's `gcp-build` script, which Cloud Functions' Node.js
 * build runs with the same Node as the instances. Each function is trained in a process of its own,
 * under the V8 flags its instances run with (bundle/runtime.json: its NODE_OPTIONS), because V8 takes a
 * cache only under the flags it was made with. Training runs the bundle and builds the adapters its
 * first request uses (functions/<name>.ts `warms`, else all), constructing the Google clients without
 * a single call: no network. A function that fails to train gets no cache and is only slower.
 */
const dir = __dirname;
const ALL_PARTS = ['ledger', 'etrade', 'vault', 'events', 'outbox', 'notifier'] as const;
const TRAINING_ENV: Env = {
  USE_GCP: '1',
  GOOGLE_CLOUD_PROJECT: 'code-cache-training',
  NOTICES_TOPIC: 'etrade-oauth-notices',
  TELEGRAM_CHAT_ID: '1',
  PAGE_URL: 'https://code-cache-training.web.app',
};

function trainOne(name: string): void {
  const loaded = loadBundle(path.join(dir, `${name}.js`));
  const { createContext, warms } = loaded.exports as {
    createContext: (env: Env, overrides: object) => AppContext;
    warms?: readonly string[];
  };
  const ctx = createContext(TRAINING_ENV, { log: silentLogger });
  for (const part of warms ?? ALL_PARTS) void ctx[part as keyof AppContext];
  writeFileSync(path.join(dir, `${name}.cache`), loaded.script.createCachedData());
}

function trainAll(): void {
  const names = JSON.parse(readFileSync(path.join(dir, 'functions.json'), 'utf8')) as string[];
  const runtime = JSON.parse(readFileSync(path.join(dir, 'runtime.json'), 'utf8')) as Record<
    string,
    { NODE_OPTIONS?: string }
  >;
  for (const name of names) {
    const run = spawnSync(process.execPath, [__filename, name], {
      env: { ...process.env, NODE_OPTIONS: runtime[name]?.NODE_OPTIONS ?? '' },
      stdio: 'inherit',
      timeout: 60_000,
    });
    const outcome = run.status === 0 ? 'cached' : `no cache (exit ${run.status ?? run.signal})`;
    process.stdout.write(`code cache: ${name}: ${outcome}\n`);
  }
}

const name = process.argv[2];
if (name) {
  try {
    trainOne(name);
  } catch (error) {
    // The message only: a stack would quote a line of the minified bundle.
    process.stderr.write(`code cache: ${name}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  // The clients built above may hold timers; the cache is written.
  process.exit(0);
} else {
  trainAll();
}
