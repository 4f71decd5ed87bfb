import { randomBytes } from 'node:crypto';
import { hmacsign } from 'oauth-sign';

/**
 * A test-only OAuth 1.0a signer built on oauth-sign, deliberately not the project's signer nor the
 * simulator's verifier: three implementations have to agree for a walk to pass.
 */
export interface Credentials {
  key: string;
  secret: string;
}

export interface TokenPair {
  token: string;
  secret: string;
}

export interface SignOptions {
  method?: string;
  /** The URL exactly as it will be sent, query included. */
  url: string;
  consumer: Credentials;
  token?: TokenPair;
  timestampS: number;
  nonce?: string;
  /** Extra or overriding protocol parameters (oauth_callback, oauth_verifier, oauth_version…). */
  oauth?: Record<string, string>;
  /** Sign these instead of the URL's decoded query, to imitate a buggy signer. */
  signedParams?: Record<string, string | string[]>;
  /** Protocol parameters to leave out of the header after signing. */
  omit?: string[];
}

/** RFC 3986 unreserved set only, as RFC 5849 §3.6 requires. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function randomNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The URL's query decoded as a form (`+` is a space), repeated names as arrays. */
export function queryParams(url: URL): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = params[name];
    params[name] = seen === undefined ? value : ([] as string[]).concat(seen, value);
  }
  return params;
}

export function oauthParams(opts: SignOptions): Record<string, string> {
  const params: Record<string, string> = {
    oauth_consumer_key: opts.consumer.key,
    oauth_nonce: opts.nonce ?? randomNonce(),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(opts.timestampS),
    ...(opts.token && { oauth_token: opts.token.token }),
    ...opts.oauth,
  };
  const url = new URL(opts.url);
  const baseUri = `${url.protocol}//${url.host}${url.pathname}`;
  params.oauth_signature = hmacsign(
    opts.method ?? 'GET',
    baseUri,
    { ...(opts.signedParams ?? queryParams(url)), ...params },
    opts.consumer.secret,
    opts.token?.secret ?? '',
  );
  for (const name of opts.omit ?? []) delete params[name];
  return params;
}

export function headerFrom(params: Record<string, string>): string {
  const pairs = Object.entries(params).map(([name, value]) => `${rfc3986(name)}="${rfc3986(value)}"`);
  return `OAuth realm="",${pairs.join(',')}`;
}

export function authorizationHeader(opts: SignOptions): string {
  return headerFrom(oauthParams(opts));
}
