import { ALWAYS_REQUIRED, parseAuthorization, requireParams } from './authHeader';
import { percentEncode } from './encoding';
import { NonceLedger } from './nonces';
import { OAuthRejection, TIMESTAMP_WINDOW_S, timestampRefused } from './problems';
import { TokenRecord, TokenStore } from './tokens';
import { RawRequest, hmacSha1, requestParameters, signatureBaseString, signaturesMatch } from './verify';

export interface SignedRequest extends RawRequest {
  authorization?: string;
}

/** What an endpoint demands beyond the parameters every signed request carries. */
export interface EndpointAuth {
  /** `none`: request_token (no token yet); `required`: everything after it. */
  token: 'none' | 'required';
  /** Extra protocol parameters, e.g. `oauth_callback` or `oauth_verifier`. */
  require: readonly string[];
  /** Parameters with the only value the endpoint accepts (E*TRADE: `oauth_callback=oob`). */
  fixed?: Readonly<Record<string, string>>;
}

export interface AuthDeps {
  clock: () => number;
  consumers: ReadonlyMap<string, string>;
  nonces: NonceLedger;
  tokens: TokenStore;
}

export interface Authenticated {
  consumerKey: string;
  oauth: ReadonlyMap<string, string>;
  /** The token record the request was signed with (its state is the endpoint's business). */
  token?: TokenRecord;
}

/**
 * The strict checks every /oauth and /v1 request passes, in a fixed order so each mistake gets the
 * one problem E*TRADE would report first: parameters, consumer and method, timestamp, nonce,
 * signature. Throws an OAuthRejection; per-endpoint token state checks are left to the caller.
 */
export function authenticate(request: SignedRequest, endpoint: EndpointAuth, deps: AuthDeps): Authenticated {
  const oauth = parseAuthorization(request.authorization);
  const required = [...ALWAYS_REQUIRED, ...endpoint.require];
  if (endpoint.token === 'required') required.push('oauth_token');
  requireParams(oauth, required);
  checkParameterShapes(request, oauth, endpoint);

  const consumerKey = oauth.get('oauth_consumer_key') ?? '';
  const consumerSecret = deps.consumers.get(consumerKey);
  if (consumerSecret === undefined) throw new OAuthRejection('consumer_key_rejected');
  if (oauth.get('oauth_signature_method') !== 'HMAC-SHA1') {
    throw new OAuthRejection('signature_method_rejected');
  }

  // Whole seconds on both sides, so the check agrees exactly with the range the refusal reports.
  const timestampS = Number(oauth.get('oauth_timestamp'));
  if (Math.abs(timestampS - Math.floor(deps.clock() / 1000)) > TIMESTAMP_WINDOW_S) {
    throw timestampRefused(deps.clock());
  }

  const nonce = oauth.get('oauth_nonce') ?? '';
  if (deps.nonces.has(consumerKey, nonce)) throw new OAuthRejection('nonce_used');

  // A token the simulator never issued (to this consumer) has no secret to verify against.
  let token: TokenRecord | undefined;
  if (endpoint.token === 'required') {
    token = deps.tokens.find(oauth.get('oauth_token') ?? '');
    if (token === undefined || token.consumerKey !== consumerKey) throw new OAuthRejection('token_rejected');
  }

  const expected = hmacSha1(signatureBaseString(request, oauth), consumerSecret, token?.secret ?? '');
  if (!signaturesMatch(expected, oauth.get('oauth_signature') ?? '')) {
    throw new OAuthRejection('signature_invalid');
  }
  // Only an authentic request spends its nonce; a forged one must not burn the client's.
  deps.nonces.remember(consumerKey, nonce, timestampS);
  return { consumerKey, oauth, token };
}

function checkParameterShapes(
  request: SignedRequest,
  oauth: ReadonlyMap<string, string>,
  endpoint: EndpointAuth,
): void {
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') throw new OAuthRejection('version_rejected');
  if (!/^\d{1,12}$/.test(oauth.get('oauth_timestamp') ?? '')) {
    throw new OAuthRejection('parameter_rejected', 'oauth_parameters_rejected=oauth_timestamp');
  }
  if (oauth.get('oauth_nonce') === '') {
    throw new OAuthRejection('parameter_rejected', 'oauth_parameters_rejected=oauth_nonce');
  }
  if (endpoint.token === 'none' && (oauth.get('oauth_token') ?? '') !== '') {
    throw new OAuthRejection('parameter_rejected', 'oauth_parameters_rejected=oauth_token');
  }
  for (const [name, value] of Object.entries(endpoint.fixed ?? {})) {
    if (oauth.get(name) !== value)
      throw new OAuthRejection('parameter_rejected', `oauth_parameters_rejected=${name}`);
  }
  // Strict providers refuse protocol parameters split between the header and the query/body.
  const stray = requestParameters(request).find(([name]) => name.startsWith('oauth_'));
  if (stray !== undefined) {
    throw new OAuthRejection('parameter_rejected', `oauth_parameters_rejected=${percentEncode(stray[0])}`);
  }
}
