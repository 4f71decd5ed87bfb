import { randomUUID } from 'node:crypto';

import { status } from '@grpc/grpc-js';
import { SecretManagerServiceClient, type protos } from '@google-cloud/secret-manager';

import { TEST_PROJECT_ID } from '../global/testEnv';
import { type FakeSecretManager } from '../fakes/secretManagerServer';
import { crc32c } from '../fakes/secretManager/crc32c';
import { useFakeSecretManager } from '../support/fakeSecretManager';

// The real @google-cloud/secret-manager client against the in-memory fake: proves the wire protocol,
// the credentials plumbing and the service semantics the rest of the suite relies on.

let fake: FakeSecretManager;
let client: SecretManagerServiceClient;

useFakeSecretManager((started) => ({ fake, client } = started));

type ListRequest = protos.google.cloud.secretmanager.v1.IListSecretVersionsRequest;
type Version = protos.google.cloud.secretmanager.v1.ISecretVersion;

const project = `projects/${TEST_PROJECT_ID}`;
const text = (data: unknown): string => Buffer.from(data as Uint8Array).toString('utf8');

/** A fresh secret (unique id) with the given payloads added as versions 1, 2, … */
async function secretWith(...payloads: string[]): Promise<{ id: string; name: string }> {
  const id = `token-${randomUUID().slice(0, 8)}`;
  const [secret] = await client.createSecret({
    parent: project,
    secretId: id,
    secret: { replication: { automatic: {} } },
  });
  for (const payload of payloads) {
    await client.addSecretVersion({ parent: secret.name, payload: { data: Buffer.from(payload) } });
  }
  return { id, name: secret.name as string };
}

describe('fake Secret Manager with the real client', () => {
  it('numbers versions from 1 and serves `latest` as the newest', async () => {
    const { id, name } = await secretWith('v1-token', 'v2-token');

    const [latest] = await client.accessSecretVersion({ name: `${name}/versions/latest` });
    const [first] = await client.accessSecretVersion({ name: `${name}/versions/1` });

    expect(name).toBe(`${project}/secrets/${id}`);
    expect(latest.name).toBe(`${name}/versions/2`);
    expect(text(latest.payload?.data)).toBe('v2-token');
    expect(Number(latest.payload?.dataCrc32c)).toBe(crc32c(Buffer.from('v2-token')));
    expect(text(first.payload?.data)).toBe('v1-token');
    expect(fake.versions(id).map((v) => [v.version, v.state])).toEqual([
      [1, 'ENABLED'],
      [2, 'ENABLED'],
    ]);
  });

  it('refuses a duplicate secret with ALREADY_EXISTS', async () => {
    const { id } = await secretWith();

    await expect(
      client.createSecret({ parent: project, secretId: id, secret: { replication: { automatic: {} } } }),
    ).rejects.toMatchObject({ code: status.ALREADY_EXISTS });
  });

  it('answers NOT_FOUND for unknown secrets and versions', async () => {
    const { name } = await secretWith('only');

    await expect(client.accessSecretVersion({ name: `${name}/versions/7` })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(
      client.addSecretVersion({ parent: `${project}/secrets/absent`, payload: { data: Buffer.from('x') } }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(
      client.accessSecretVersion({ name: `${project}/secrets/absent/versions/latest` }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it('refuses to serve a disabled version and lists by state', async () => {
    const { name } = await secretWith('v1-token', 'v2-token');

    const [disabled] = await client.disableSecretVersion({ name: `${name}/versions/1` });
    const [enabledOnly] = await client.listSecretVersions({ parent: name, filter: 'state:ENABLED' });
    const [all] = await client.listSecretVersions({ parent: name });

    expect(disabled.state).toBe('DISABLED');
    await expect(client.accessSecretVersion({ name: `${name}/versions/1` })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      message: expect.stringContaining('is in DISABLED state'),
    });
    expect(enabledOnly.map((v) => v.name)).toEqual([`${name}/versions/2`]);
    expect(all.map((v) => [v.name, v.state])).toEqual([
      [`${name}/versions/2`, 'ENABLED'],
      [`${name}/versions/1`, 'DISABLED'],
    ]);
  });

  // Pins the service's real rule: `latest` never skips to an older enabled version.
  it('fails `latest` with FAILED_PRECONDITION when the newest version is disabled', async () => {
    const { name } = await secretWith('v1-token', 'v2-token');
    await client.disableSecretVersion({ name: `${name}/versions/2` });

    await expect(client.accessSecretVersion({ name: `${name}/versions/latest` })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      message: expect.stringContaining(`${name}/versions/2] is in DISABLED state`),
    });

    await client.enableSecretVersion({ name: `${name}/versions/2` });
    const [latest] = await client.accessSecretVersion({ name: `${name}/versions/latest` });
    expect(text(latest.payload?.data)).toBe('v2-token');
  });

  it('drops the payload of a destroyed version for good', async () => {
    const { id, name } = await secretWith('v1-token');

    const [destroyed] = await client.destroySecretVersion({ name: `${name}/versions/1` });

    expect(destroyed.state).toBe('DESTROYED');
    expect(fake.versions(id)[0]).toMatchObject({ state: 'DESTROYED', data: undefined });
    await expect(client.enableSecretVersion({ name: `${name}/versions/1` })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
  });

  it('pages through versions newest first', async () => {
    const { name } = await secretWith('a', 'b', 'c');

    const before = fake.calls('ListSecretVersions');

    // Manual paging (autoPaginate: false) so each page is one RPC we can count.
    const names: string[] = [];
    let request: ListRequest | null = { parent: name, pageSize: 1 };
    while (request) {
      const [page, next]: [Version[], ListRequest | null, unknown] = await client.listSecretVersions(
        request,
        {
          autoPaginate: false,
        },
      );
      names.push(...page.map((v) => v.name as string));
      request = next;
    }

    expect(names).toEqual([3, 2, 1].map((n) => `${name}/versions/${n}`));
    expect(fake.calls('ListSecretVersions') - before).toBe(3);
  });

  it('deletes a secret with its versions', async () => {
    const { name } = await secretWith('a');

    await client.deleteSecret({ name });

    await expect(client.getSecret({ name })).rejects.toMatchObject({ code: status.NOT_FOUND });
  });
});

describe('payload checksums', () => {
  it('computes CRC-32C as documented by Secret Manager', () => {
    // The data-integrity page's example: "a\n" has data_crc32c 163439259.
    expect(crc32c(Buffer.from('a\n'))).toBe(163439259);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('accepts a matching data_crc32c and rejects a wrong one with INVALID_ARGUMENT', async () => {
    const { name } = await secretWith();
    const data = Buffer.from('token');

    const [version] = await client.addSecretVersion({
      parent: name,
      payload: { data, dataCrc32c: crc32c(data) },
    });

    expect(version.clientSpecifiedPayloadChecksum).toBe(true);
    await expect(
      client.addSecretVersion({ parent: name, payload: { data, dataCrc32c: crc32c(data) + 1 } }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });
});

describe('fault hooks', () => {
  it('failNext fails the next call only, before it changes anything', async () => {
    const { id, name } = await secretWith();
    fake.failNext('AddSecretVersion', status.PERMISSION_DENIED);

    await expect(
      client.addSecretVersion({ parent: name, payload: { data: Buffer.from('x') } }),
    ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await client.addSecretVersion({ parent: name, payload: { data: Buffer.from('y') } });

    expect(fake.versions(id).map((v) => v.data?.toString())).toEqual(['y']);
  });

  it('lets the client retry UNAVAILABLE on AccessSecretVersion per its retry policy', async () => {
    const { name } = await secretWith('v1-token');
    const before = fake.calls('AccessSecretVersion');
    fake.failNext('AccessSecretVersion', status.UNAVAILABLE);

    const [latest] = await client.accessSecretVersion({ name: `${name}/versions/latest` });

    expect(text(latest.payload?.data)).toBe('v1-token');
    expect(fake.calls('AccessSecretVersion') - before).toBe(2);
  });

  it('failNextAfterCommit applies the change but loses the reply', async () => {
    const { id, name } = await secretWith();
    fake.failNextAfterCommit('AddSecretVersion', status.UNAVAILABLE);

    await expect(
      client.addSecretVersion({ parent: name, payload: { data: Buffer.from('x') } }),
    ).rejects.toMatchObject({ code: status.UNAVAILABLE });

    expect(fake.versions(id).map((v) => v.data?.toString())).toEqual(['x']);
  });

  it('delayNext holds a call long enough to hit the client deadline', async () => {
    const { name } = await secretWith('v1-token');
    fake.delayNext('GetSecret', 1_000);

    await expect(client.getSecret({ name }, { timeout: 100 })).rejects.toMatchObject({
      code: status.DEADLINE_EXCEEDED,
    });
  });
});

describe('what the fake does not model', () => {
  it('answers UNIMPLEMENTED rather than pretending', async () => {
    const { name } = await secretWith('a');

    await expect(client.listSecrets({ parent: project })).rejects.toMatchObject({
      code: status.UNIMPLEMENTED,
    });
    await expect(
      client.listSecretVersions({ parent: name, filter: 'create_time>2020' }),
    ).rejects.toMatchObject({
      code: status.UNIMPLEMENTED,
    });
    await expect(client.getSecret({ name: `${project}/locations/us-east1/secrets/x` })).rejects.toMatchObject(
      { code: status.UNIMPLEMENTED },
    );
  });
});
