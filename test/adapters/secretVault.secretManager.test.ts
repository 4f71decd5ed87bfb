import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { status } from '@grpc/grpc-js';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

import { crc32c } from '../../shared/adapters/gcp/crc32c';
import { SecretManagerVault } from '../../shared/adapters/gcp/secretManagerVault';
import { WRITE_RETRY } from '../../shared/adapters/gcp/unavailableRetry';
import { accessSecretId } from '../../shared/ports/secretVault';
import { crc32c as fakeCrc32c } from '../fakes/secretManager/crc32c';
import { type FakeSecretManager } from '../fakes/secretManagerServer';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { useFakeSecretManager } from '../support/fakeSecretManager';

// What only the Secret Manager adapter has to get right: the service's `latest` rule, its retries,
// checksums, secret creation races, and payloads written by someone else.

let fake: FakeSecretManager;
let client: SecretManagerServiceClient;
let projects = 0;

useFakeSecretManager((started) => ({ fake, client } = started));

/**
 * A vault on a project of its own, and the resource name of connection `alpha`'s secret there. Its
 * write retries wait for nothing, recording each wait they drew (the random part fixed at one half).
 */
function freshVault(): { vault: SecretManagerVault; project: string; secretName: string; waits: number[] } {
  const project = `${TEST_PROJECT_ID}-sm-${++projects}`;
  const secretName = `projects/${project}/secrets/${accessSecretId('alpha')}`;
  const waits: number[] = [];
  const timing = { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 };
  return { vault: new SecretManagerVault(client, project, { timing }), project, secretName, waits };
}

const pair = (n: number) => ({ token: `token-${n}`, secret: `secret-${n}` });

describe('reading past a disabled newest version', () => {
  it('falls back to the newest ENABLED version when `latest` was disabled out of band', async () => {
    const { vault, secretName } = freshVault();
    for (const n of [1, 2, 3]) await vault.putTokenPair('alpha', pair(n));

    await client.disableSecretVersion({ name: `${secretName}/versions/3` });
    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(2), version: '2' });

    await client.disableSecretVersion({ name: `${secretName}/versions/2` });
    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '1' });

    await client.destroySecretVersion({ name: `${secretName}/versions/1` });
    await expect(vault.readTokenPair('alpha')).resolves.toBeUndefined();
  });

  it('does not take a FAILED_PRECONDITION on an enabled version for "no pair"', async () => {
    // E.g. a disabled CMEK key: the service answers FAILED_PRECONDITION for a version that is enabled.
    const { vault } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    fake.failNext('AccessSecretVersion', status.FAILED_PRECONDITION);

    await expect(vault.readTokenPair('alpha', '1')).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
  });
});

describe('transport', () => {
  it('survives a transient UNAVAILABLE on AccessSecretVersion through the client retry', async () => {
    const { vault } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    const before = fake.calls('AccessSecretVersion');
    fake.failNext('AccessSecretVersion', status.UNAVAILABLE);

    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '1' });
    expect(fake.calls('AccessSecretVersion') - before).toBe(2);
  });

  it('passes other failures of a put through, without creating anything', async () => {
    const { vault } = freshVault();
    const creates = fake.calls('CreateSecret');
    const adds = fake.calls('AddSecretVersion');
    fake.failNext('AddSecretVersion', status.PERMISSION_DENIED);

    await expect(vault.putTokenPair('alpha', pair(1))).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
    expect(fake.calls('CreateSecret')).toBe(creates);
    expect(fake.calls('AddSecretVersion') - adds).toBe(1);
  });
});

describe('retrying writes the client sends once', () => {
  it('retries an UNAVAILABLE put after short jittered waits, and stores the pair once', async () => {
    const { vault, secretName, waits } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    const adds = fake.calls('AddSecretVersion');
    fake.failNext('AddSecretVersion', status.UNAVAILABLE, 2);

    await expect(vault.putTokenPair('alpha', pair(2))).resolves.toBe('2');

    expect(fake.calls('AddSecretVersion') - adds).toBe(3);
    // Full jitter: a random part (here one half) of 100 ms, then of 200 ms.
    expect(waits).toEqual([50, 100]);
    expect(fake.versions(secretName).map((v) => v.version)).toEqual([1, 2]);
  });

  it(`gives up after ${WRITE_RETRY.retries} retries, having stored nothing`, async () => {
    const { vault, secretName, waits } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    const adds = fake.calls('AddSecretVersion');
    fake.failNext('AddSecretVersion', status.UNAVAILABLE, WRITE_RETRY.retries + 1);

    await expect(vault.putTokenPair('alpha', pair(2))).rejects.toMatchObject({ code: status.UNAVAILABLE });

    expect(fake.calls('AddSecretVersion') - adds).toBe(WRITE_RETRY.retries + 1);
    expect(waits).toEqual([50, 100, 200]);
    expect(fake.versions(secretName).map((v) => v.version)).toEqual([1]);
    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '1' });
  });

  it('does not retry DEADLINE_EXCEEDED: the put may have landed, and the deadline is spent', async () => {
    const { vault, waits } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    const adds = fake.calls('AddSecretVersion');
    fake.failNext('AddSecretVersion', status.DEADLINE_EXCEEDED);

    await expect(vault.putTokenPair('alpha', pair(2))).rejects.toMatchObject({
      code: status.DEADLINE_EXCEEDED,
    });
    expect(fake.calls('AddSecretVersion') - adds).toBe(1);
    expect(waits).toEqual([]);
  });

  it('a failed attempt that landed leaves an older duplicate, which disableOlderVersions disables', async () => {
    const { vault, secretName } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    fake.failNextAfterCommit('AddSecretVersion', status.UNAVAILABLE);

    // Version 2 landed but its answer was lost; the retry stored the same pair as version 3.
    await expect(vault.putTokenPair('alpha', pair(2))).resolves.toBe('3');
    await expect(vault.readTokenPair('alpha', '2')).resolves.toEqual({ pair: pair(2), version: '2' });

    await expect(vault.disableOlderVersions('alpha', '3')).resolves.toBe(2);
    const enabled = fake.versions(secretName).filter((v) => v.state === 'ENABLED');
    expect(enabled.map((v) => v.version)).toEqual([3]);
  });

  it('creates the secret through an UNAVAILABLE on CreateSecret', async () => {
    const { vault } = freshVault();
    fake.failNext('CreateSecret', status.UNAVAILABLE);

    await expect(vault.putTokenPair('alpha', pair(1))).resolves.toBe('1');
  });

  it('retries an UNAVAILABLE disable', async () => {
    const { vault } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    await vault.putTokenPair('alpha', pair(2));
    fake.failNext('DisableSecretVersion', status.UNAVAILABLE);

    await vault.disableVersion('alpha', '2');

    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '1' });
  });

  it('passes a disable that keeps failing through', async () => {
    const { vault } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    fake.failNext('DisableSecretVersion', status.UNAVAILABLE, WRITE_RETRY.retries + 1);

    await expect(vault.disableVersion('alpha', '1')).rejects.toMatchObject({ code: status.UNAVAILABLE });
    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '1' });
  });
});

describe('creating the secret', () => {
  it('creates it on first put with automatic replication and labels', async () => {
    const { vault, secretName } = freshVault();

    await vault.putTokenPair('alpha', pair(1));

    const [secret] = await client.getSecret({ name: secretName });
    expect(secret.replication?.automatic).toBeDefined();
    expect(secret.labels).toEqual({ app: 'etrade-oauth', connection: 'alpha' });
  });

  it('tolerates ALREADY_EXISTS from a writer that created it first', async () => {
    const { vault } = freshVault();
    // The secret is created, but this writer is told it already existed: a lost race.
    fake.failNextAfterCommit('CreateSecret', status.ALREADY_EXISTS);

    await expect(vault.putTokenPair('alpha', pair(1))).resolves.toBe('1');
    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '1' });
  });
});

describe('payload checksums', () => {
  it('computes CRC-32C as Secret Manager documents it, and as the fake does', () => {
    expect(crc32c(Buffer.from('a\n'))).toBe(163439259);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(i * 7);
      expect(crc32c(data)).toBe(fakeCrc32c(data));
    }
  });

  it('sends data_crc32c with every put, which the service checks', async () => {
    const { vault, secretName } = freshVault();

    const version = await vault.putTokenPair('alpha', { token: 'tök+/=', secret: '🔑' });

    const [stored] = await client.getSecretVersion({ name: `${secretName}/versions/${version}` });
    expect(stored.clientSpecifiedPayloadChecksum).toBe(true);
  });

  it('refuses a payload whose checksum does not match', async () => {
    const data = Buffer.from(JSON.stringify({ token: 'sensitive-token', secret: 'sensitive-secret' }));
    const vault = new SecretManagerVault(
      stubClient({ payload: { data, dataCrc32c: String(crc32c(data) ^ 1) } }),
      'p',
    );

    const read = vault.readTokenPair('alpha');

    await expect(read).rejects.toMatchObject({
      name: 'SecretVaultError',
      code: 'ERR_SECRET_CORRUPT',
      message: 'etrade-oauth-alpha-access version 7 fails its CRC-32C checksum',
    });
  });

  it('reads the version from a name that carries the project number', async () => {
    const data = Buffer.from(JSON.stringify(pair(1)));
    const vault = new SecretManagerVault(stubClient({ payload: { data, dataCrc32c: crc32c(data) } }), 'p');

    await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '7' });
    await expect(vault.putTokenPair('alpha', pair(1))).resolves.toBe('7');
  });
});

describe('corrupt payloads', () => {
  const SENSITIVE = 'SENSITIVE-abc123';
  const payloads: [string, Buffer][] = [
    ['not JSON', Buffer.from(`token=${SENSITIVE}&secret=${SENSITIVE}`)],
    ['truncated JSON', Buffer.from(`{"token":"${SENSITIVE}","secret":"${SENSITIVE}`)],
    ['no secret', Buffer.from(JSON.stringify({ token: SENSITIVE }))],
    ['an empty token', Buffer.from(JSON.stringify({ token: '', secret: SENSITIVE }))],
    ['a number for a secret', Buffer.from(JSON.stringify({ token: SENSITIVE, secret: 42 }))],
    ['an array', Buffer.from(JSON.stringify([SENSITIVE, SENSITIVE]))],
    ['JSON null', Buffer.from('null')],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`{"token":"${SENSITIVE}`), Buffer.from([0xff, 0xfe])])],
  ];

  it.each(payloads)('rejects %s naming the secret, never quoting the payload', async (_, data) => {
    const { vault, secretName } = freshVault();
    await vault.putTokenPair('alpha', pair(1));
    await client.addSecretVersion({ parent: secretName, payload: { data } });

    const error: unknown = await vault.readTokenPair('alpha').catch((err: unknown) => err);

    expect(error).toMatchObject({
      name: 'SecretVaultError',
      code: 'ERR_SECRET_CORRUPT',
      message: expect.stringContaining('etrade-oauth-alpha-access version 2'),
    });
    expect(inspect(error, { depth: 5 })).not.toContain(SENSITIVE);
    expect((error as Error).cause).toBeUndefined();
    await expect(vault.readTokenPair('alpha', '2')).rejects.toMatchObject({ code: 'ERR_SECRET_CORRUPT' });
    await expect(vault.readTokenPair('alpha', '1')).resolves.toEqual({ pair: pair(1), version: '1' });
  });
});

describe('disabling older versions', () => {
  it('does not count a version destroyed meanwhile', async () => {
    const { vault } = freshVault();
    for (const n of [1, 2, 3]) await vault.putTokenPair('alpha', pair(n));
    fake.failNext('DisableSecretVersion', status.FAILED_PRECONDITION);

    await expect(vault.disableOlderVersions('alpha', '3')).resolves.toBe(1);
  });
});

/**
 * A client that answers every access and add with version 7 of a secret in project number 123456789,
 * as the real service names it; for what the fake cannot produce.
 */
function stubClient(response: {
  payload: { data: Buffer; dataCrc32c: number | string };
}): SecretManagerServiceClient {
  const name = 'projects/123456789/secrets/etrade-oauth-alpha-access/versions/7';
  return {
    accessSecretVersion: async () => [{ name, ...response }],
    addSecretVersion: async () => [{ name, state: 'ENABLED' }],
  } as unknown as SecretManagerServiceClient;
}
