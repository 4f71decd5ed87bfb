import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseForm, percentEncode } from './encoding';
import { OAuthRejection } from './problems';

/** A request exactly as it arrived on the wire: what RFC 5849 §3.4.1 signs. */
export interface RawRequest {
  method: string;
  scheme: 'http' | 'https';
  /** The Host header as received (any case, maybe with a port). */
  host: string;
  /** The request-target: path plus `?query`, still percent-encoded. */
  target: string;
  contentType?: string;
  body: string;
}

const DEFAULT_PORT = { http: '80', https: '443' } as const;

/** RFC 5849 §3.4.1.2: lowercase scheme and host, default port dropped, path as sent, no query. */
export function baseStringUri(request: Pick<RawRequest, 'scheme' | 'host' | 'target'>): string {
  let host = request.host.toLowerCase();
  const port = /:(\d+)$/.exec(host);
  if (port !== null && port[1] === DEFAULT_PORT[request.scheme]) host = host.slice(0, port.index);
  const query = request.target.indexOf('?');
  const path = query < 0 ? request.target : request.target.slice(0, query);
  return `${request.scheme}://${host}${path === '' ? '/' : path}`;
}

function isFormBody(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * RFC 5849 §3.4.1.3.1: the query and, only for a form-encoded body, the body, both decoded as
 * application/x-www-form-urlencoded (`+` is a space). Undecodable text is `parameter_rejected`.
 */
export function requestParameters(request: RawRequest): [string, string][] {
  const query = request.target.indexOf('?');
  const sources = [query < 0 ? '' : request.target.slice(query + 1)];
  if (isFormBody(request.contentType)) sources.push(request.body);
  const pairs: [string, string][] = [];
  for (const source of sources) {
    const parsed = parseForm(source);
    if (parsed === undefined) throw new OAuthRejection('parameter_rejected');
    pairs.push(...parsed);
  }
  return pairs;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** RFC 5849 §3.4.1.3.2: encode each name and value, sort by name then value, join. */
export function normalizeParameters(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort((a, b) => byteOrder(a[0], b[0]) || byteOrder(a[1], b[1]))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * RFC 5849 §3.4.1: method, base string URI and normalised parameters, each encoded once more.
 * `oauthParams` are the header's protocol parameters; `oauth_signature` is left out here.
 */
export function signatureBaseString(request: RawRequest, oauthParams: ReadonlyMap<string, string>): string {
  const pairs: [string, string][] = requestParameters(request);
  for (const [name, value] of oauthParams) if (name !== 'oauth_signature') pairs.push([name, value]);
  return [request.method.toUpperCase(), baseStringUri(request), normalizeParameters(pairs)]
    .map(percentEncode)
    .join('&');
}

/** RFC 5849 §3.4.2: both secrets are encoded in the key (E*TRADE secrets contain `+ / =`). */
export function hmacSha1(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString, 'utf8').digest('base64');
}

/** Constant-time comparison, so the simulator does not model a timing oracle. */
export function signaturesMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
