import { isStrictlyEncoded, percentDecode, percentEncode } from './encoding';
import { OAuthRejection } from './problems';

/** Every protocol parameter RFC 5849 defines; anything else named `oauth_*` is refused. */
const KNOWN_PARAMS: ReadonlySet<string> = new Set([
  'oauth_consumer_key',
  'oauth_token',
  'oauth_signature_method',
  'oauth_signature',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_version',
  'oauth_callback',
  'oauth_verifier',
]);

export const ALWAYS_REQUIRED = [
  'oauth_consumer_key',
  'oauth_signature_method',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_signature',
] as const;

// One `name="value"` pair, optional whitespace around it, then a comma or the end (RFC 5849
// §3.5.1 with RFC 2617's optional linear whitespace).
const PAIR = /[ \t]*([^\s=",]+)="([^"]*)"[ \t]*(,|$)/y;

/**
 * Parses `Authorization: OAuth realm="",oauth_…="…",…` strictly: any malformed piece, a duplicate,
 * a value that is not percent-encoded, or an unknown `oauth_*` name is `parameter_rejected`,
 * because E*TRADE tightened exactly this parsing and hand-built headers broke.
 * Returns the decoded protocol parameters without `realm`.
 */
export function parseAuthorization(header: string | undefined): Map<string, string> {
  const scheme = /^OAuth[ \t]+/i.exec(header ?? '');
  if (header === undefined || scheme === null) {
    throw new OAuthRejection('parameter_absent');
  }
  const params = new Map<string, string>();
  const seen = new Set<string>();
  let at = scheme[0].length;
  while (at < header.length) {
    PAIR.lastIndex = at;
    const match = PAIR.exec(header);
    if (match === null) throw new OAuthRejection('parameter_rejected');
    const [whole, rawName, rawValue, separator] = match;
    at += whole.length;
    if (separator === ',' && at >= header.length) {
      throw new OAuthRejection('parameter_rejected');
    }
    const name = percentDecode(rawName, false);
    if (name === undefined || seen.has(name)) {
      throw new OAuthRejection('parameter_rejected', `oauth_parameters_rejected=${percentEncode(rawName)}`);
    }
    seen.add(name);
    if (name === 'realm') continue; // RFC 2617 quoted-string, not part of the signature
    const value = isStrictlyEncoded(rawValue) ? percentDecode(rawValue, false) : undefined;
    if (!KNOWN_PARAMS.has(name) || value === undefined) {
      throw new OAuthRejection('parameter_rejected', `oauth_parameters_rejected=${percentEncode(rawName)}`);
    }
    params.set(name, value);
  }
  return params;
}

/** Missing required parameters are named in E*TRADE's comma form, all at once. */
export function requireParams(params: ReadonlyMap<string, string>, names: readonly string[]): void {
  const absent = names.filter((name) => !params.has(name));
  if (absent.length > 0) {
    throw new OAuthRejection('parameter_absent', `oauth_parameters_absent=${absent.join('&')}`);
  }
}
