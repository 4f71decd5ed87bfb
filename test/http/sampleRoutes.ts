import { AppError, APP_ERROR_CODES, type AppErrorCode } from '../../shared/app/errors';
import { EtradeError, ETRADE_ERROR_CODES, type EtradeErrorCode } from '../../shared/etrade/errors';
import { requireString, type Route } from '../../shared/http';

/** A small function's worth of routes, shared by the router tests and the fuzz test. */
export const sampleRoutes: Route[] = [
  {
    method: 'GET',
    path: '/status',
    handle: async (request) => ({ body: { ok: true, query: request.query } }),
  },
  {
    method: 'POST',
    path: '/pin',
    handle: async (request) => {
      requireString(request.body, 'pin', { maxLength: 5, pattern: /^[A-Z0-9]{5}$/ });
      return { body: { accepted: true } };
    },
  },
  { method: 'GET', path: '/both', handle: async () => ({ body: { method: 'GET' } }) },
  {
    method: 'POST',
    path: '/both',
    handle: async (request) => ({ body: { keys: Object.keys(request.body ?? {}) } }),
  },
  {
    method: 'GET',
    path: '/login',
    handle: async () => ({ redirect: '/app', cookies: ['session=abc; HttpOnly; Secure; SameSite=Strict'] }),
  },
  { method: 'GET', path: '/throw', handle: async (request) => Promise.reject(errorFor(request.query)) },
];

function errorFor(query: Readonly<Record<string, string>>): unknown {
  if ((APP_ERROR_CODES as readonly string[]).includes(query.code)) {
    return new AppError(query.code as AppErrorCode, 'internal words CANARY', { flowStep: 'exchange' });
  }
  if ((ETRADE_ERROR_CODES as readonly string[]).includes(query.code)) {
    return new EtradeError(query.code as EtradeErrorCode, 'internal words CANARY', {
      operation: 'access_token',
      problem: 'token_rejected CANARY',
    });
  }
  return new Error('secret stuff CANARY');
}
