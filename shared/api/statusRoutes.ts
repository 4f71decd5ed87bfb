import type { AppContext } from '../app/context';
import { csrfTokenFor, loadAuthKeys } from '../auth';
import type { Route } from '../http';
import { statusReporter } from '../status/statusReport';
import { requirePrincipal } from './guard';

/**
 * status: every connection's state and deadlines; `/keepalive/status` is the keep-alive slice.
 * A signed-in page also gets its CSRF token here, the one thing it needs before changing state.
 */
export function statusRoutes(ctx: AppContext): Route[] {
  const statusReport = statusReporter(ctx);
  const full: Route['handle'] = async (request) => {
    const principal = await requirePrincipal(ctx, request, { requireCsrf: false });
    const report = await statusReport();
    if (principal.kind !== 'session') return { body: report };
    const { loginLinkKey } = await loadAuthKeys(ctx.secrets);
    return { body: { ...report, csrfToken: csrfTokenFor(loginLinkKey, principal.sessionId) } };
  };
  const keepAlive: Route['handle'] = async (request) => {
    await requirePrincipal(ctx, request, { requireCsrf: false });
    const report = await statusReport();
    return {
      body: {
        now: report.now,
        asOf: report.asOf,
        connections: report.connections.map(({ id, state, generation, keepAlive }) => ({
          id,
          state,
          generation,
          keepAlive,
        })),
      },
    };
  };
  return [
    { method: 'GET', path: '/', handle: full },
    { method: 'GET', path: '/status', handle: full },
    { method: 'GET', path: '/api/status', handle: full },
    { method: 'GET', path: '/keepalive/status', handle: keepAlive },
    { method: 'GET', path: '/api/keepalive/status', handle: keepAlive },
  ];
}
