import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

import { SecretManagerVault } from '../../shared/adapters/gcp/secretManagerVault';
import { FileSecretVault } from '../../shared/adapters/local/fileSecretVault';
import { secretVaultContract } from '../contracts/secretVault.contract';
import {
  secretManagerClientOptions,
  startFakeSecretManager,
  type FakeSecretManager,
} from '../fakes/secretManagerServer';
import { TEST_PROJECT_ID } from '../global/testEnv';

// One contract, run unchanged against every SecretVault adapter.

describe('SecretManagerVault (real client, fake Secret Manager)', () => {
  let fake: FakeSecretManager;
  let client: SecretManagerServiceClient;
  let projects = 0;

  beforeAll(async () => {
    fake = await startFakeSecretManager();
    client = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
  });

  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  // A project of its own per test, so the same connection ids never meet.
  secretVaultContract('SecretManagerVault', async () => ({
    vault: new SecretManagerVault(client, `${TEST_PROJECT_ID}-${++projects}`),
    cleanup: async () => {},
  }));
});

describe('FileSecretVault', () => {
  secretVaultContract('FileSecretVault', async () => {
    const root = await mkdtemp(join(tmpdir(), 'secret-vault-'));
    return {
      vault: new FileSecretVault(join(root, 'vault')),
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  });
});
