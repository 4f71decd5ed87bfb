import type { Request } from '@google-cloud/functions-framework';
import { AppError } from '../app/errors';

export const ROUTE_METHODS = ['GET', 'POST'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

export function isRouteMethod(method: string): method is RouteMethod {
  return (ROUTE_METHODS as readonly string[]).includes(method);
}

/** What a route's handler sees: plain strings and one JSON object, never express's parsed shapes. */
export interface ParsedRequest {
  readonly method: RouteMethod;
  /** The route's own path, whatever trailing slash the client sent. */
  readonly path: string;
  /** First value of each parameter, as strings; `?a=1&a=2` gives `{ a: '1' }`. */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased names; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The JSON object a POST carried; undefined for GET and for an empty POST. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  readonly raw: Request;
}

export const NOT_A_JSON_OBJECT = 'Body must be a JSON object';

/**
 * Parsed by hand from the URL rather than `req.query`, whose shape (arrays, nested objects from
 * `a[b]=1`) depends on express's query-parser setting. Null prototype: `?__proto__=x` is just a key.
 */
export function firstQueryValues(url: string): Record<string, string> {
  const query: Record<string, string> = Object.create(null);
  const at = url.indexOf('?');
  if (at === -1) return query;
  for (const [name, value] of new URLSearchParams(url.slice(at + 1))) {
    if (!(name in query)) query[name] = value;
  }
  return query;
}

export function plainHeaders(headers: Request['headers']): Record<string, string | undefined> {
  const plain: Record<string, string | undefined> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    plain[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return plain;
}

// fatal: invalid UTF-8 is refused rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the body from `req.rawBody`, never `req.body`. functions-framework runs body-parser before
 * any user code (json, text, urlencoded, then raw for every other type; limit 1024mb), so `req.body`
 * may be a string, a Buffer or a form object, while `rawBody` is always the bytes the client sent.
 *
 * Framework limitation we cannot fix here: a malformed body sent as application/json (or with an
 * unsupported charset or content-encoding) is refused by body-parser with express's own HTML 4xx
 * before this code runs, and its error handler prints the error (which quotes the body) to stderr
 * unless NODE_ENV is 'test', and into the HTML page unless NODE_ENV is 'production'. The byte limit
 * below also applies only after the framework has read the whole body into memory.
 */
export function readJsonBody(req: Request, maxBytes: number): Record<string, unknown> | undefined {
  const declared = Number(req.headers['content-length']);
  const size = Math.max(req.rawBody?.length ?? 0, Number.isFinite(declared) ? declared : 0);
  if (size > maxBytes) {
    throw new AppError('ERR_PAYLOAD_TOO_LARGE', `Body over ${maxBytes} bytes`, { maxBytes });
  }
  // Chunked with no content-type: the framework left the body unread, so we cannot know it is empty.
  const unread = req.rawBody === undefined && req.headers['transfer-encoding'] !== undefined;
  if (req.method !== 'POST' || (size === 0 && !unread)) return undefined;
  // Only application/json: text/plain and forms are what a cross-site page can send without a CORS
  // preflight, so refusing them keeps JSON endpoints out of reach of cross-site requests.
  if (!isJson(req.headers['content-type']) || req.rawBody === undefined) {
    throw new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', 'Body is not application/json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(req.rawBody));
  } catch {
    throw new AppError('ERR_BAD_REQUEST', NOT_A_JSON_OBJECT);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppError('ERR_BAD_REQUEST', NOT_A_JSON_OBJECT);
  }
  return parsed as Record<string, unknown>;
}

/** `application/json`, optionally `; charset=utf-8`: rawBody is decoded as UTF-8, so nothing else. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim());
    return name !== 'charset' || ['utf-8', 'utf8', '"utf-8"'].includes(value);
  });
}
