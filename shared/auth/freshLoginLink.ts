import type { Clock } from '../ports/clock';
import type { SecretReader } from '../ports/secretReader';
import { loadLoginLinkKey } from './authenticate';
import { createLoginLink } from './loginLinks';

/** A new single-use sign-in link to the page, signed with the deployment's login-link key. */
export async function freshLoginLink(ctx: {
  readonly secrets: SecretReader;
  readonly clock: Clock;
  readonly pageUrl: string;
}): Promise<string> {
  const key = await loadLoginLinkKey(ctx.secrets);
  return createLoginLink({ key, pageUrl: ctx.pageUrl, now: ctx.clock.now() }).url;
}
