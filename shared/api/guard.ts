import type { AppContext } from '../app/context';
import { authenticate, isLoopbackHttpPage, loadAuthKeys, type Principal } from '../auth';
import type { ParsedRequest } from '../http';

/**
 * Who is calling: a signed-in page (session cookie, plus the CSRF header on state changes) or a
 * machine client (Bearer API key). Throws ERR_UNAUTHENTICATED / ERR_CSRF.
 */
export async function requirePrincipal(
  ctx: Pick<AppContext, 'secrets' | 'clock' | 'log' | 'config' | 'pageUrl'>,
  request: ParsedRequest,
  options: { requireCsrf: boolean },
): Promise<Principal> {
  const keys = await loadAuthKeys(ctx.secrets);
  return authenticate(request, keys, ctx.clock.now(), { ...options, ...cookieMode(ctx), log: ctx.log });
}

/** The local system on a loopback http page uses the non-Secure local cookie; the cloud never does. */
export function cookieMode(ctx: Pick<AppContext, 'config' | 'pageUrl'>): { insecureLocal: boolean } {
  return { insecureLocal: !ctx.config.useGcp && isLoopbackHttpPage(ctx.pageUrl) };
}

/** PIN flows are bound to the session that started them; all API-key callers share one owner. */
export function flowOwner(principal: Principal): string {
  return principal.kind === 'session' ? `session:${principal.sessionId}` : 'api-key';
}
