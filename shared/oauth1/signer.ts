import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';

/**
 * The one OAuth 1.0a (HMAC-SHA1) signer every E*TRADE call goes through.
 *
 * It is built on oauth-1.0a for the base string, parameter normalisation, signing key and header
 * formatting, and wraps the library's traps (../shared/ETRADE.md, trap 6): it passes copies, only
 * query/form parameters as data, a normalised base URI, node:crypto HMAC-SHA1, crypto-random nonces,
 * and builds the oauth_* set itself so `oauth_version` can be left out.
 */

/** Request parameters as ordered name/value pairs: repeated names are allowed. */
export type Params = ReadonlyArray<readonly [string, string]>;

export interface Consumer {
  readonly key: string;
  readonly secret: string;
}

export interface TokenPair {
  readonly token: string;
  readonly secret: string;
}

export interface SignRequest {
  readonly method: string;
  /** Scheme, host and path only; query parameters go in `query` so they are signed as data. */
  readonly url: string;
  readonly query?: Params;
  /** Form parameters; sent as an application/x-www-form-urlencoded body and signed. */
  readonly form?: Params;
  readonly token?: TokenPair;
  /** Protocol parameters that E*TRADE expects in the Authorization header with the others. */
  readonly callback?: string;
  readonly verifier?: string;
}

export interface SignedRequest {
  /** The URL to call: the normalised base URI plus the encoded query. */
  readonly url: string;
  readonly authorization: string;
  /** The encoded form body, when the request has form parameters. */
  readonly body?: string;
  readonly oauthParams: Readonly<Record<string, string>>;
}

export interface SignerOptions {
  readonly consumer: Consumer;
  /** Epoch milliseconds; injected so tests are deterministic and clock skew can be corrected. */
  readonly clock?: () => number;
  readonly nonce?: () => string;
  /** E*TRADE's own guide signs without oauth_version; some providers want `1.0`. */
  readonly includeVersion?: boolean;
}

const defaultNonce = (): string => randomBytes(16).toString('hex');

export class OAuthSigner {
  private readonly oauth: OAuth;
  private readonly clock: () => number;
  private readonly nonce: () => string;
  private readonly includeVersion: boolean;

  constructor(private readonly options: SignerOptions) {
    this.oauth = new OAuth({
      consumer: { key: options.consumer.key, secret: options.consumer.secret },
      signature_method: 'HMAC-SHA1',
      parameter_seperator: ',',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    });
    this.clock = options.clock ?? Date.now;
    this.nonce = options.nonce ?? defaultNonce;
    this.includeVersion = options.includeVersion ?? false;
  }

  sign(request: SignRequest): SignedRequest {
    const baseUrl = normaliseBaseUri(request.url);
    const query = request.query ?? [];
    const form = request.form ?? [];
    const oauthParams = this.protocolParams(request);
    const data = toLibraryData([...query, ...form]);
    // getSignature merges `data` into the object it is given: hand it a copy of our protocol params.
    const signature = this.oauth.getSignature(
      { url: baseUrl, method: request.method.toUpperCase(), data },
      request.token?.secret ?? '',
      { ...oauthParams } as unknown as OAuth.Data,
    );
    const signed = { ...oauthParams, oauth_signature: signature };
    const header = this.oauth.toHeader(signed as unknown as OAuth.Authorization).Authorization;
    return {
      url: query.length > 0 ? `${baseUrl}?${encodePairs(query)}` : baseUrl,
      authorization: header.replace(/^OAuth /, 'OAuth realm="",'),
      body: form.length > 0 ? encodePairs(form) : undefined,
      oauthParams: signed,
    };
  }

  private protocolParams(request: SignRequest): Record<string, string> {
    const params: Record<string, string> = {
      oauth_consumer_key: this.options.consumer.key,
      oauth_nonce: this.nonce(),
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: String(Math.floor(this.clock() / 1000)),
    };
    if (request.token) params.oauth_token = request.token.token;
    if (request.callback !== undefined) params.oauth_callback = request.callback;
    if (request.verifier !== undefined) params.oauth_verifier = request.verifier;
    if (this.includeVersion) params.oauth_version = '1.0';
    return params;
  }
}

/** RFC 5849 §3.6 percent-encoding (RFC 3986 unreserved characters kept), via the library. */
export const percentEncode = (value: string): string => OAuth.prototype.percentEncode(value);

function encodePairs(pairs: Params): string {
  return pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
}

/**
 * RFC 5849 §3.4.1.2: lowercase scheme and host, no default port, no query or fragment.
 * A URL that carries a query is refused: oauth-1.0a mis-signs pre-built query strings (trap 1).
 */
export function normaliseBaseUri(url: string): string {
  const parsed = new URL(url);
  if (parsed.search !== '') {
    throw new TypeError(`url must not carry a query string; pass query parameters as data: ${parsed.origin}`);
  }
  // URL already lowercases scheme and host and drops the scheme's default port.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** oauth-1.0a takes parameters as an object whose repeated names hold arrays. */
function toLibraryData(pairs: Params): OAuth.Param {
  const data: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of pairs) {
    if (name === '__proto__') throw new TypeError('parameter name __proto__ is not supported');
    const existing = data[name];
    if (existing === undefined) data[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else data[name] = [existing, value];
  }
  return data as OAuth.Param;
}
