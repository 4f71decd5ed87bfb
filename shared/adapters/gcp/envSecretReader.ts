import type { SecretReader } from '../../ports/secretReader';

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * The environment variable a configuration secret is mounted as (infra/functions.tf,
 * `secret_environment_variables`): `etrade-oauth-login-link-key` → `SECRET_ETRADE_OAUTH_LOGIN_LINK_KEY`.
 * Terraform spells the same rule `"SECRET_${upper(replace(id, "-", "_"))}"`; the infra test checks both.
 */
export function secretEnvVar(secretId: string): string {
  return `SECRET_${secretId.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * Configuration secrets that Cloud Functions resolved from Secret Manager when the instance started and
 * put in its environment: reading one costs no client, no round trip. A secret that is not mounted is
 * read from `otherwise` (built on first need, so an instance that has every secret it reads in its
 * environment never loads the Secret Manager client), or is undefined without one.
 *
 * The value is the version that was `latest` when the instance started; a rotation reaches new instances
 * only (README, "Rotating a configuration secret"). Token pairs change daily and never come from here.
 */
export class EnvSecretReader implements SecretReader {
  private fallback?: SecretReader;

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly options: { readonly otherwise?: () => SecretReader } = {},
  ) {}

  async read(secretId: string): Promise<string | undefined> {
    // Only Secret Manager's own id syntax maps to a variable (`''` would name `SECRET_` itself).
    const mounted = SECRET_ID.test(secretId) ? this.env[secretEnvVar(secretId)] : undefined;
    if (mounted !== undefined) return mounted;
    if (!this.options.otherwise) return undefined;
    this.fallback ??= this.options.otherwise();
    return this.fallback.read(secretId);
  }
}
