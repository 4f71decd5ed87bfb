import type { Request, Response } from '@google-cloud/functions-framework';
import { AppError } from '../app/errors';
import type { Logger } from '../log';
import { INTERNAL_ERROR_CODE, toErrorResponse } from './errorMapping';
import {
  firstQueryValues,
  isRouteMethod,
  plainHeaders,
  readJsonBody,
  type ParsedRequest,
  type RouteMethod,
} from './request';
import { serialiseReply, type Outgoing, type Reply } from './reply';

export interface Route {
  readonly method: RouteMethod;
  /** Matched exactly against `req.path`; one trailing slash from the client is tolerated. */
  readonly path: string;
  handle(request: ParsedRequest): Promise<Reply>;
}

export interface HttpHandlerOptions {
  readonly log: Logger;
  /** Larger bodies get 413. Our bodies are a PIN or a name; 16 KiB is generous. */
  readonly maxBodyBytes?: number;
  /** Milliseconds, monotonic; injected so tests can pin durationMs. */
  readonly now?: () => number;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
/** Unmatched paths are client-chosen: keep log lines bounded. */
const MAX_LOGGED_PATH = 120;

/**
 * One HTTP Cloud Function's routes as an express-style `(req, res)` handler. Never rejects: every
 * failure becomes a JSON error from errorMapping, so the framework's crash page is never reached.
 */
export function httpHandler(
  routes: readonly Route[],
  options: HttpHandlerOptions,
): (req: Request, res: Response) => Promise<void> {
  const byPath = indexRoutes(routes);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? (() => performance.now());

  return async (req, res) => {
    const started = now();
    const path = withoutTrailingSlash(req.path);
    const candidates = byPath.get(path);
    let outgoing: Outgoing;
    let failure: unknown;
    try {
      const route = pickRoute(req.method, candidates);
      const request: ParsedRequest = {
        method: route.method,
        path: route.path,
        query: firstQueryValues(req.originalUrl ?? req.url),
        headers: plainHeaders(req.headers),
        body: readJsonBody(req, maxBodyBytes),
        raw: req,
      };
      outgoing = serialiseReply(await route.handle(request));
    } catch (error) {
      failure = error;
      outgoing = errorOutgoing(error, candidates);
    }
    send(res, outgoing);
    const severity = outgoing.status >= 500 ? 'error' : 'info';
    options.log[severity]('http.request', {
      method: req.method.slice(0, 16),
      path: candidates ? path : path.slice(0, MAX_LOGGED_PATH),
      status: outgoing.status,
      durationMs: Math.round(now() - started),
      code: outgoing.code,
      ...describeUnexpected(failure),
    });
  };
}

function indexRoutes(routes: readonly Route[]): Map<string, Route[]> {
  const byPath = new Map<string, Route[]>();
  for (const route of routes) {
    if (!route.path.startsWith('/') || withoutTrailingSlash(route.path) !== route.path) {
      throw new Error(`Route path ${route.path} must start with / and not end with one`);
    }
    const same = byPath.get(route.path) ?? [];
    if (same.some((other) => other.method === route.method)) {
      throw new Error(`Route ${route.method} ${route.path} is declared twice`);
    }
    byPath.set(route.path, [...same, route]);
  }
  return byPath;
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Path before method, so a probe of a made-up path learns nothing about which methods exist. */
function pickRoute(method: string, candidates: Route[] | undefined): Route {
  if (!candidates) throw new AppError('ERR_NOT_FOUND', 'No route for this path');
  const route = isRouteMethod(method) ? candidates.find((r) => r.method === method) : undefined;
  if (!route) {
    throw new AppError('ERR_METHOD_NOT_ALLOWED', 'Method not allowed', { allow: allowed(candidates) });
  }
  return route;
}

function allowed(candidates: Route[]): string {
  return candidates.map((route) => route.method).join(', ');
}

function errorOutgoing(error: unknown, candidates: Route[] | undefined): Outgoing {
  const response = toErrorResponse(error);
  const headers = { ...response.headers };
  if (response.status === 405 && candidates) headers['Allow'] = allowed(candidates);
  return {
    status: response.status,
    headers,
    cookies: [],
    json: JSON.stringify(response.body),
    code: response.body.error.code,
  };
}

/** Security headers are set last, so no reply can drop them. */
function send(res: Response, outgoing: Outgoing): void {
  res.status(outgoing.status);
  for (const [name, value] of Object.entries(outgoing.headers)) res.setHeader(name, value);
  if (outgoing.cookies.length > 0) res.setHeader('Set-Cookie', outgoing.cookies);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (outgoing.json === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(outgoing.json);
}

/**
 * For errors errorMapping does not know: the class name and the throwing line, never the message,
 * which may quote a token or a response body (and may span lines that look like stack frames).
 */
function describeUnexpected(error: unknown): Record<string, string> {
  if (error === undefined || toErrorResponse(error).body.error.code !== INTERNAL_ERROR_CODE) return {};
  if (!(error instanceof Error)) return { errorName: typeof error };
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  const stack = error.stack ?? '';
  const frames = stack.startsWith(header) ? stack.slice(header.length) : '';
  const frame = frames.split('\n').find((line) => line.trimStart().startsWith('at '));
  return frame ? { errorName: error.name, errorAt: frame.trim() } : { errorName: error.name };
}
