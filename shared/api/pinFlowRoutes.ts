import type { AppContext } from '../app/context';
import { type Route, requireString } from '../http';
import { exchangePin } from '../pinflow/exchangePin';
import { startPinFlow } from '../pinflow/startPinFlow';
import { flowOwner, requirePrincipal } from './guard';

const CONNECTION_RULE = { maxLength: 30, pattern: /^[a-z][a-z0-9-]*$/ };

/** requestToken: POST {connection} → {flowId, authorizeUrl, expiresAt}. */
export function requestTokenRoutes(ctx: AppContext): Route[] {
  const handle: Route['handle'] = async (request) => {
    const principal = await requirePrincipal(ctx, request, { requireCsrf: true });
    const connectionId = requireString(request.body, 'connection', CONNECTION_RULE);
    const flow = await startPinFlow(ctx, { connectionId, session: flowOwner(principal) });
    return { status: 201, body: { ...flow, expiresAt: flow.expiresAt.toISOString() } };
  };
  return ['/', '/api/request-token'].map((path) => ({ method: 'POST', path, handle }));
}

/** exchangePin: POST {flowId, pin} → the new generation (never the token). */
export function exchangePinRoutes(ctx: AppContext): Route[] {
  const handle: Route['handle'] = async (request) => {
    const principal = await requirePrincipal(ctx, request, { requireCsrf: true });
    const flowId = requireString(request.body, 'flowId', { maxLength: 64 });
    const pin = requireString(request.body, 'pin', { maxLength: 16 });
    const result = await exchangePin(ctx, { flowId, pin, session: flowOwner(principal) });
    return { body: { ...result, expiresAt: result.expiresAt.toISOString() } };
  };
  return ['/', '/api/exchange-pin'].map((path) => ({ method: 'POST', path, handle }));
}
