import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

import { SecretManagerVault } from '../../shared/adapters/gcp/secretManagerVault';
import { FileSecretVault } from '../../shared/adapters/local/fileSecretVault';
import { secretVaultContract } from '../contracts/secretVault.contract';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { useFakeSecretManager } from '../support/fakeSecretManager';

// One contract, run unchanged against every SecretVault adapter.

describe('SecretManagerVault (real client, fake Secret Manager)', () => {
  let client: SecretManagerServiceClient;
  let projects = 0;

  useFakeSecretManager((started) => ({ client } = started));

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
