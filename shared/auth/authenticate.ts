import { AppError } from '../app/errors';
import type { Logger } from '../log';
import { SECRET_IDS, type SecretReader } from '../ports/secretReader';
import { checkApiKey, isApiKeyHash } from './apiKeys';
import { checkCsrf, CSRF_HEADER } from './csrf';
import { assertSigningKey } from './keys';
import { readSession, type CookieMode } from './sessions';

/**
 * Who is calling: the trader's browser (session cookie + CSRF header) or a machine client (bearer API
 * key). One function for every protected endpoint, so no endpoint can forget a step.
 */

export interface AuthRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

export type Principal = { kind: 'session'; sessionId: string } | { kind: 'apiKey' };

export interface AuthKeys {
  loginLinkKey: string;
  /** sha256 hex of the API key; without it, bearer credentials are always refused. */
  apiKeyHash?: string;
}

export interface AuthenticateOptions extends CookieMode {
  /** Forces the CSRF check for a safe method too; unsafe methods are always checked regardless. */
  readonly requireCsrf: boolean;
  readonly log?: Logger;
}

/** Methods a browser may send cross-site on its own and that must not change state. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authenticate(
  req: AuthRequest,
  keys: AuthKeys,
  now: Date,
  options: AuthenticateOptions,
): Principal {
  const { log } = options;
  const refuse = (reason: string): never => {
    log?.warn('auth.refused', { reason, method: req.method });
    throw new AppError(
      'ERR_UNAUTHENTICATED',
      'Sign-in required: open a fresh login link, or send a valid API key.',
    );
  };

  const authorization = header(req, 'authorization');
  if (authorization !== undefined) {
    // A credential was offered: it alone decides. Falling back to the cookie would hide a wrong or
    // revoked key behind whatever session the client happens to carry.
    return checkApiKey(authorization, keys.apiKeyHash) ? { kind: 'apiKey' } : refuse('bad_api_key');
  }

  const cookieHeader = header(req, 'cookie');
  const { insecureLocal } = options;
  const session = readSession({ key: keys.loginLinkKey, cookieHeader, now, log, insecureLocal });
  if (!session) return refuse('no_session');

  if (options.requireCsrf || !SAFE_METHODS.has(req.method.toUpperCase())) {
    const presented = header(req, CSRF_HEADER);
    if (!checkCsrf(keys.loginLinkKey, session.sessionId, presented)) {
      log?.warn('auth.csrf_refused', {
        reason: presented === undefined ? 'missing' : 'mismatch',
        method: req.method,
      });
      throw new AppError('ERR_CSRF', 'The CSRF token is missing or wrong. Reload the page.');
    }
  }
  return { kind: 'session', sessionId: session.sessionId };
}

/** Reads both secrets once per instance. A missing or malformed one is a deployment fault, not a 401. */
export async function loadAuthKeys(secrets: SecretReader): Promise<AuthKeys> {
  const [loginLinkKey, storedHash] = await Promise.all([
    loadLoginLinkKey(secrets),
    secrets.read(SECRET_IDS.apiKeyHash),
  ]);
  // A hash is not secret, and `echo … | gcloud secrets create` leaves a newline: forgive whitespace.
  const apiKeyHash = storedHash?.trim().toLowerCase();
  if (apiKeyHash === undefined || apiKeyHash === '') return { loginLinkKey };
  if (!isApiKeyHash(apiKeyHash)) {
    throw new Error(`secret ${SECRET_IDS.apiKeyHash} must be a sha256 digest as 64 hex characters`);
  }
  return { loginLinkKey, apiKeyHash };
}

/**
 * The login-link key alone: all that signing a link needs. Functions that only send links (the morning
 * reminder, keep-alive, the bot) are neither granted nor mounted the API key hash (infra/locals.tf).
 */
export async function loadLoginLinkKey(secrets: SecretReader): Promise<string> {
  const loginLinkKey = await secrets.read(SECRET_IDS.loginLinkKey);
  if (loginLinkKey === undefined || loginLinkKey === '') {
    throw new Error(`login link key not configured (secret ${SECRET_IDS.loginLinkKey})`);
  }
  assertSigningKey(loginLinkKey, `secret ${SECRET_IDS.loginLinkKey}`);
  return loginLinkKey;
}

/**
 * A header by case-insensitive name. Node lower-cases names, but other callers may not; values under
 * several spellings are all kept so a duplicate cannot hide behind a capital letter.
 */
function header(req: AuthRequest, name: string): string | string[] | undefined {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}
