import type { SecretReader } from '../../shared/ports/secretReader';

export interface SecretReaderFixture {
  readonly reader: SecretReader;
  cleanup(): Promise<void>;
}

/** Values that have tripped readers elsewhere: JSON, base64 padding, unicode, a trailing newline. */
export const CONTRACT_SECRETS: Readonly<Record<string, string>> = {
  'etrade-oauth-prod-consumer': JSON.stringify({ key: 'ck-0123456789', secret: 'cs+/=äöü' }),
  'etrade-oauth-login-link-key': 'k3y+/AbC==',
  'etrade-oauth-api-key-hash': 'a'.repeat(64),
  'etrade-oauth-telegram-bot-token': '7000000001:AAE-bot_token\n',
};

/**
 * What every SecretReader must do, through the port only. `make` returns a reader over exactly the
 * given secrets (one enabled version each); it is called once per test.
 */
export function secretReaderContract(
  name: string,
  make: (secrets: Readonly<Record<string, string>>) => Promise<SecretReaderFixture>,
): void {
  describe(`SecretReader contract: ${name}`, () => {
    let fixture: SecretReaderFixture;
    let reader: SecretReader;

    beforeEach(async () => {
      fixture = await make(CONTRACT_SECRETS);
      reader = fixture.reader;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('reads each stored secret exactly as stored', async () => {
      for (const [id, value] of Object.entries(CONTRACT_SECRETS)) {
        await expect(reader.read(id)).resolves.toBe(value);
      }
    });

    it('has nothing for a secret that was never stored, even one named like a stored one', async () => {
      await expect(reader.read('etrade-oauth-sandbox-consumer')).resolves.toBeUndefined();
      await expect(reader.read('etrade-oauth-slack-webhook-url')).resolves.toBeUndefined();
      await expect(reader.read('etrade-oauth-prod-consumer-old')).resolves.toBeUndefined();
    });

    it('answers repeated and concurrent reads alike', async () => {
      const id = 'etrade-oauth-login-link-key';
      const reads = await Promise.all([reader.read(id), reader.read(id), reader.read(id)]);
      expect(reads).toEqual([CONTRACT_SECRETS[id], CONTRACT_SECRETS[id], CONTRACT_SECRETS[id]]);
      await expect(reader.read(id)).resolves.toBe(CONTRACT_SECRETS[id]);
    });
  });
}
