import { EnvSecretReader, secretEnvVar } from '../../shared/adapters/gcp/envSecretReader';
import { freshLoginLink } from '../../shared/auth';
import { redeemLoginLink } from '../../shared/auth/loginLinks';
import { SECRET_IDS, type SecretReader } from '../../shared/ports/secretReader';
import { KEY, PAGE_URL, T0, fileLedger } from './fixtures';

/** Secret Manager as a service account sees it without a grant on the secret. */
const ungranted: SecretReader = {
  read: async (id) => {
    throw Object.assign(new Error(`7 PERMISSION_DENIED: secretmanager.versions.access on ${id}`), {
      code: 7,
    });
  },
};

describe('freshLoginLink', () => {
  // Regression: it read the API key hash too (through loadAuthKeys), which the functions that only send
  // links (morningAlert, keepAlive, telegramWebhook) are neither granted nor mounted, so their links
  // failed with PERMISSION_DENIED in the cloud while every emulator-backed test passed.
  it('needs only the login-link key: a function without the API key hash still signs links', async () => {
    const secrets = new EnvSecretReader(
      { [secretEnvVar(SECRET_IDS.loginLinkKey)]: KEY },
      { otherwise: () => ungranted },
    );
    const url = await freshLoginLink({ secrets, clock: { now: () => T0 }, pageUrl: PAGE_URL });
    expect(url.startsWith(`${PAGE_URL}/`)).toBe(true);
    const { ledger, cleanup } = await fileLedger();
    try {
      const token = new URL(url).searchParams.get('t');
      await expect(redeemLoginLink({ key: KEY, token, now: T0, ledger })).resolves.toHaveProperty('nonce');
    } finally {
      await cleanup();
    }
  });

  it('fails as a deployment fault without the login-link key', async () => {
    const secrets = new EnvSecretReader({});
    await expect(freshLoginLink({ secrets, clock: { now: () => T0 }, pageUrl: PAGE_URL })).rejects.toThrow(
      'login link key not configured (secret etrade-oauth-login-link-key)',
    );
  });
});
