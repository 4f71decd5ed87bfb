import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

import {
  secretManagerClientOptions,
  startFakeSecretManager,
  type FakeSecretManager,
} from '../fakes/secretManagerServer';

export interface StartedSecretManager {
  readonly fake: FakeSecretManager;
  /** The real client, over plaintext gRPC to the fake. */
  readonly client: SecretManagerServiceClient;
}

/** The Secret Manager fake and a real client for the enclosing suite: started before it, closed after. */
export function useFakeSecretManager(onStart: (started: StartedSecretManager) => void): void {
  let started: StartedSecretManager | undefined;
  beforeAll(async () => {
    const fake = await startFakeSecretManager();
    started = { fake, client: new SecretManagerServiceClient(secretManagerClientOptions(fake.port)) };
    onStart(started);
  });
  afterAll(async () => {
    await started?.client.close();
    await started?.fake.close();
  });
}
