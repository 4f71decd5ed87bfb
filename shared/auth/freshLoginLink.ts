import type { Clock } from '../ports/clock';
import type { SecretReader } from '../ports/secretReader';
import { loadAuthKeys } from './authenticate';
import { createLoginLink } from './loginLinks';

/** A new single-use sign-in link to the page, signed with the deployment's login-link key. */
export async function freshLoginLink(ctx: {
  readonly secrets: SecretReader;
  readonly clock: Clock;
  readonly pageUrl: string;
}): Promise<string> {
  const { loginLinkKey } = await loadAuthKeys(ctx.secrets);
  return createLoginLink({ key: loginLinkKey, pageUrl: ctx.pageUrl, now: ctx.clock.now() }).url;
}
