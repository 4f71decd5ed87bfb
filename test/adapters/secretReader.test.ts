import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

import { EnvSecretReader, secretEnvVar } from '../../shared/adapters/gcp/envSecretReader';
import { SecretManagerReader } from '../../shared/adapters/gcp/secretManagerReader';
import { FileSecretReader } from '../../shared/adapters/local/fileSecretReader';
import { createContext } from '../../shared/app/createContext';
import { silentLogger } from '../../shared/log';
import { SECRET_IDS, type SecretReader } from '../../shared/ports/secretReader';
import { secretReaderContract } from '../contracts/secretReader.contract';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { useFakeSecretManager } from '../support/fakeSecretManager';

// One contract, run unchanged against every SecretReader adapter; then what only the environment
// reader has to get right: names, and never building the Secret Manager reader it does not need.
let client: SecretManagerServiceClient;
let projects = 0;

let fakePort = 0;
useFakeSecretManager((started) => {
  ({ client } = started);
  fakePort = started.fake.port;
});

/** A fresh project holding `secrets`, one version each, as infra/bootstrap-secrets.sh leaves them. */
async function secretManagerProject(secrets: Readonly<Record<string, string>>): Promise<string> {
  const project = `${TEST_PROJECT_ID}-reader-${++projects}`;
  for (const [secretId, value] of Object.entries(secrets)) {
    const parent = `projects/${project}`;
    await client.createSecret({ parent, secretId, secret: { replication: { automatic: {} } } });
    await client.addSecretVersion({
      parent: `${parent}/secrets/${secretId}`,
      payload: { data: Buffer.from(value) },
    });
  }
  return project;
}

/** The environment Cloud Functions gives an instance that mounts `secrets`. */
const mounted = (secrets: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(secrets).map(([id, value]) => [secretEnvVar(id), value]));

/** Counts how often a reader is built and read: the environment reader must not touch it needlessly. */
function counted(make: () => SecretReader) {
  const counts = { built: 0, reads: 0 };
  const otherwise = () => {
    counts.built++;
    const reader = make();
    return { read: (id: string) => (counts.reads++, reader.read(id)) };
  };
  return { counts, otherwise };
}

describe('adapters', () => {
  secretReaderContract('SecretManagerReader (real client, fake Secret Manager)', async (secrets) => ({
    reader: new SecretManagerReader(client, await secretManagerProject(secrets)),
    cleanup: async () => {},
  }));

  secretReaderContract('FileSecretReader', async (secrets) => {
    const root = await mkdtemp(join(tmpdir(), 'secret-reader-'));
    const file = join(root, 'secrets.json');
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
    return { reader: new FileSecretReader(file), cleanup: () => rm(root, { recursive: true, force: true }) };
  });

  secretReaderContract('EnvSecretReader (every secret mounted)', async (secrets) => ({
    reader: new EnvSecretReader(mounted(secrets)),
    cleanup: async () => {},
  }));

  // The deployed composition when a function mounts only some of what it reads.
  secretReaderContract('EnvSecretReader, the rest from Secret Manager', async (secrets) => {
    const entries = Object.entries(secrets);
    const half = Math.ceil(entries.length / 2);
    const project = await secretManagerProject(Object.fromEntries(entries.slice(half)));
    const reader = new EnvSecretReader(mounted(Object.fromEntries(entries.slice(0, half))), {
      otherwise: () => new SecretManagerReader(client, project),
    });
    return { reader, cleanup: async () => {} };
  });
});

describe('EnvSecretReader', () => {
  it('names each secret as infra mounts it: SECRET_ + the id upper-cased, - as _', () => {
    expect(Object.values(SECRET_IDS).map(secretEnvVar)).toEqual([
      'SECRET_ETRADE_OAUTH_LOGIN_LINK_KEY',
      'SECRET_ETRADE_OAUTH_API_KEY_HASH',
      'SECRET_ETRADE_OAUTH_TELEGRAM_BOT_TOKEN',
      'SECRET_ETRADE_OAUTH_TELEGRAM_WEBHOOK_SECRET',
      'SECRET_ETRADE_OAUTH_SLACK_WEBHOOK_URL',
    ]);
    expect(secretEnvVar('etrade-oauth-paper-2-consumer')).toBe('SECRET_ETRADE_OAUTH_PAPER_2_CONSUMER');
  });

  it('reads only its own variables: a look-alike without the prefix is not a secret', async () => {
    const reader = new EnvSecretReader({ ETRADE_OAUTH_LOGIN_LINK_KEY: 'not mounted', SECRET_: 'x' });
    await expect(reader.read(SECRET_IDS.loginLinkKey)).resolves.toBeUndefined();
    await expect(reader.read('')).resolves.toBeUndefined();
  });

  it('never builds its fallback while every secret asked for is mounted', async () => {
    const { counts, otherwise } = counted(() => new SecretManagerReader(client, 'never-asked'));
    const reader = new EnvSecretReader(
      mounted({ [SECRET_IDS.apiKeyHash]: 'h', [SECRET_IDS.loginLinkKey]: 'k' }),
      {
        otherwise,
      },
    );
    await expect(reader.read(SECRET_IDS.apiKeyHash)).resolves.toBe('h');
    await expect(reader.read(SECRET_IDS.loginLinkKey)).resolves.toBe('k');
    expect(counts).toEqual({ built: 0, reads: 0 });
  });

  it('builds its fallback once, for the secrets that are not mounted', async () => {
    const project = await secretManagerProject({
      [SECRET_IDS.telegramBotToken]: 'bot',
      [SECRET_IDS.apiKeyHash]: 'old',
    });
    const { counts, otherwise } = counted(() => new SecretManagerReader(client, project));
    const reader = new EnvSecretReader(mounted({ [SECRET_IDS.apiKeyHash]: 'mounted' }), { otherwise });
    await expect(reader.read(SECRET_IDS.telegramBotToken)).resolves.toBe('bot');
    await expect(reader.read(SECRET_IDS.slackWebhookUrl)).resolves.toBeUndefined();
    // A mounted secret wins even where Secret Manager holds another version: the instance's value.
    await expect(reader.read(SECRET_IDS.apiKeyHash)).resolves.toBe('mounted');
    expect(counts).toEqual({ built: 1, reads: 2 });
  });

  it('keeps the value the instance started with when a new version is added (rotation reaches new instances)', async () => {
    const project = await secretManagerProject({ [SECRET_IDS.loginLinkKey]: 'v1' });
    const env = mounted({ [SECRET_IDS.loginLinkKey]: 'v1' });
    const reader = new EnvSecretReader(env, { otherwise: () => new SecretManagerReader(client, project) });
    await client.addSecretVersion({
      parent: `projects/${project}/secrets/${SECRET_IDS.loginLinkKey}`,
      payload: { data: Buffer.from('v2') },
    });
    await expect(reader.read(SECRET_IDS.loginLinkKey)).resolves.toBe('v1');
    // A new instance is started with the new `latest`.
    const next = new EnvSecretReader(mounted({ [SECRET_IDS.loginLinkKey]: 'v2' }));
    await expect(next.read(SECRET_IDS.loginLinkKey)).resolves.toBe('v2');
  });
});

describe('the composition root on GCP', () => {
  const gcpEnv = (extra: Record<string, string>) => ({
    USE_GCP: '1',
    GOOGLE_CLOUD_PROJECT: TEST_PROJECT_ID,
    ...extra,
  });

  it('reads mounted secrets from the environment and the others from Secret Manager', async () => {
    const project = await secretManagerProject({ 'etrade-oauth-prod-consumer': '{"key":"k","secret":"s"}' });
    const ctx = createContext(
      { ...gcpEnv(mounted({ [SECRET_IDS.apiKeyHash]: 'hash-from-env' })), GOOGLE_CLOUD_PROJECT: project },
      { log: silentLogger, gcp: { secretManager: client } },
    );
    await expect(ctx.secrets.read(SECRET_IDS.apiKeyHash)).resolves.toBe('hash-from-env');
    await expect(ctx.secrets.read('etrade-oauth-prod-consumer')).resolves.toBe('{"key":"k","secret":"s"}');
    await expect(ctx.secrets.read(SECRET_IDS.loginLinkKey)).resolves.toBeUndefined();
  });

  it('builds its own Secret Manager client for SECRET_MANAGER_EMULATOR_HOST, as the benchmarks run it', async () => {
    const project = await secretManagerProject({ 'etrade-oauth-prod-consumer': '{"key":"k","secret":"e"}' });
    const ctx = createContext(
      {
        ...gcpEnv({}),
        GOOGLE_CLOUD_PROJECT: project,
        SECRET_MANAGER_EMULATOR_HOST: `127.0.0.1:${fakePort}`,
      },
      { log: silentLogger },
    );
    await expect(ctx.secrets.read('etrade-oauth-prod-consumer')).resolves.toBe('{"key":"k","secret":"e"}');
  });

  it('does not read SECRET_* variables in the local mode: the embedded store is the one place', async () => {
    const root = await mkdtemp(join(tmpdir(), 'secret-reader-local-'));
    try {
      const ctx = createContext(
        { LOCAL_DATA_DIR: root, ...mounted({ [SECRET_IDS.apiKeyHash]: 'from-env' }) },
        { log: silentLogger },
      );
      await expect(ctx.secrets.read(SECRET_IDS.apiKeyHash)).resolves.toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
