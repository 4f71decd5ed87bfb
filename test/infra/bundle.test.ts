import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { generateApiKey } from '../../shared/auth';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { type FakeSecretManager, startFakeSecretManager } from '../fakes/secretManagerServer';
import { freeLoopbackPort } from '../global/freePort';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { deployedEnv, type DeployedEnv } from '../support/deployedEnv';
import { LOGIN_LINK_KEY } from '../support/localWorld';
import { CANARY_CONSUMER } from '../support/simulatedEtrade';

/**
 * The deployed package as infra/deploy.sh builds it (infra/bundle.mjs), with the code caches its
 * gcp-build step makes: each function's bundle served by functions-framework as Cloud Functions
 * serves it (the package's main, FUNCTION_TARGET, the function's NODE_OPTIONS), against the
 * emulators. What each bundle loads lazily is the source's (test/functions/moduleLoading.test.ts):
 * the bundler keeps every lazy require lazy.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const FF_MAIN = path.join(path.dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
const FUNCTIONS = [
  'actions',
  'exchangePin',
  'keepAlive',
  'morningAlert',
  'notices',
  'requestToken',
  'status',
  'telegramWebhook',
];

let out: string;
let deployed: DeployedEnv;
let fake: FakeSecretManager;
const api = generateApiKey();
const secretValues: Record<string, string> = {
  'etrade-oauth-prod-consumer': JSON.stringify(CANARY_CONSUMER),
  'etrade-oauth-sandbox-consumer': JSON.stringify(CANARY_CONSUMER),
  [SECRET_IDS.loginLinkKey]: LOGIN_LINK_KEY,
  [SECRET_IDS.apiKeyHash]: api.hash,
  [SECRET_IDS.telegramBotToken]: '7000000001:bundle-test-token',
  [SECRET_IDS.telegramWebhookSecret]: 'bundle-test-webhook-secret',
};

beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'etrade-oauth-bundle-'));
  const built = spawnSync(process.execPath, ['infra/bundle.mjs', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect({ status: built.status, stderr: built.stderr }).toEqual({ status: 0, stderr: '' });
  // As Cloud Functions' build does: the dependencies installed beside the package, then gcp-build.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
  const trained = spawnSync('npm', ['run', '--silent', 'gcp-build'], { cwd: out, encoding: 'utf8' });
  expect({ status: trained.status, stderr: trained.stderr }).toEqual({ status: 0, stderr: '' });
  expect(trained.stdout.trim().split('\n')).toEqual(FUNCTIONS.map((name) => `code cache: ${name}: cached`));
  deployed = await deployedEnv();
  fake = await startFakeSecretManager();
}, 120_000);

afterAll(async () => {
  await fake?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('the deployed package', () => {
  it("is the repository's dependencies with the loader as main and the code-cache trainer as gcp-build", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const shipped = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'));
    expect(shipped).toMatchObject({
      main: 'bundle/index.js',
      scripts: { 'gcp-build': 'node bundle/train.js' },
      dependencies: pkg.dependencies,
      engines: pkg.engines,
    });
    expect(readFileSync(path.join(out, 'package-lock.json'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'),
    );
    expect(readFileSync(path.join(ROOT, 'infra', 'deploy.sh'), 'utf8')).toContain(
      'zip -qr ../source.zip package.json package-lock.json bundle',
    );
  });

  it('has a bundle per function, each trained under the NODE_OPTIONS infra gives that function', () => {
    expect(JSON.parse(readFileSync(path.join(out, 'bundle', 'functions.json'), 'utf8'))).toEqual(FUNCTIONS);
    const runtime = JSON.parse(readFileSync(path.join(out, 'bundle', 'runtime.json'), 'utf8'));
    for (const name of FUNCTIONS) {
      const flags = deployed.runtime(name).NODE_OPTIONS;
      expect({ name, runtime: runtime[name] }).toEqual({
        name,
        runtime: flags ? { NODE_OPTIONS: flags } : {},
      });
    }
  });
});

/** One function instance from the package, as Cloud Functions starts it; its log kept. */
async function serve(
  name: string,
  nodeOptions = deployed.runtime(name).NODE_OPTIONS ?? '',
): Promise<{ url: string; log: () => string; stop: () => Promise<void> }> {
  const port = await freeLoopbackPort();
  let log = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [FF_MAIN, `--target=${name}`, `--source=${out}`, `--port=${port}`],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        NODE_OPTIONS: nodeOptions,
        FUNCTION_TARGET: name,
        USE_GCP: '1',
        GOOGLE_CLOUD_PROJECT: `${TEST_PROJECT_ID}-bundle`,
        FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
        PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
        SECRET_MANAGER_EMULATOR_HOST: `127.0.0.1:${fake.port}`,
        METADATA_SERVER_DETECTION: 'none',
        PAGE_URL: 'https://tokens.example.com',
        ...deployed.secrets(name, (id) => secretValues[id]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1_000; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${log}`);
    if (
      await fetch(url, { method: 'HEAD' }).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url,
    log: () => log,
    stop: async () => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

describe('a function served from the package', () => {
  it('status answers from the Firestore emulator, its code cache taken', async () => {
    const status = await serve('status');
    try {
      const answer = await fetch(`${status.url}/status`, {
        headers: { authorization: `Bearer ${api.apiKey}` },
      });
      expect(answer.status).toBe(200);
      expect(
        ((await answer.json()) as { connections: { id: string }[] }).connections.map((c) => c.id),
      ).toEqual(['prod', 'sandbox']);
      expect(status.log()).not.toContain('code_cache.unused');
    } finally {
      await status.stop();
    }
  });

  it('exchangePin warms up its bundled Firestore, Secret Manager and Pub/Sub clients, its code cache taken', async () => {
    const exchangePin = await serve('exchangePin');
    try {
      const answer = await fetch(`${exchangePin.url}/api/exchange-pin`, {
        method: 'POST',
        headers: { 'x-etrade-warm-up': '1' },
      });
      expect(answer.status).toBe(204);
      expect(exchangePin.log()).not.toMatch(/code_cache\.unused|warm_up\.(failed|clients_failed)/);
    } finally {
      await exchangePin.stop();
    }
  });

  it('under other V8 flags the cache is refused: the function still serves, and says so once', async () => {
    // status's cache was made under its heap caps; without them V8 will not take it.
    const status = await serve('status', '');
    try {
      const answer = await fetch(`${status.url}/status`, {
        headers: { authorization: `Bearer ${api.apiKey}` },
      });
      expect(answer.status).toBe(200);
      const lines = status
        .log()
        .split('\n')
        .filter((line) => line.includes('code_cache.unused'));
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ severity: 'WARNING', function: 'status', cache: 'rejected' }),
      ]);
    } finally {
      await status.stop();
    }
  });
});
