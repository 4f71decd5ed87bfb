import { generateApiKey } from '../../shared/auth/apiKeys';
import { authenticate, loadAuthKeys, type AuthRequest } from '../../shared/auth/authenticate';
import { issueSession, SESSION_COOKIE, SESSION_TTL_MS } from '../../shared/auth/sessions';
import { SECRET_IDS, type SecretReader } from '../../shared/ports/secretReader';
import { caught, cookieValueOf, KEY, T0 } from './fixtures';

const { apiKey, hash } = generateApiKey();
const KEYS = { loginLinkKey: KEY, apiKeyHash: hash };
const session = issueSession({ key: KEY, now: T0 });
const other = issueSession({ key: KEY, now: T0 });
const cookie = `${SESSION_COOKIE}=${cookieValueOf(session.cookie)}`;

const req = (method: string, headers: AuthRequest['headers'] = {}): AuthRequest => ({ method, headers });
const auth = (request: AuthRequest, requireCsrf = false, now = T0) =>
  authenticate(request, KEYS, now, { requireCsrf });

const UNAUTHENTICATED = {
  code: 'ERR_UNAUTHENTICATED',
  message: 'Sign-in required: open a fresh login link, or send a valid API key.',
};
const CSRF = { code: 'ERR_CSRF', message: 'The CSRF token is missing or wrong. Reload the page.' };
const asSession = { kind: 'session', sessionId: session.sessionId };

describe('authenticate: sessions', () => {
  it('accepts a session cookie on a GET without a CSRF header', () => {
    expect(auth(req('GET', { cookie }))).toEqual(asSession);
  });

  it('requires the CSRF header on a POST, and accepts the right one', async () => {
    expect(await caught(() => auth(req('POST', { cookie })))).toMatchObject(CSRF);
    expect(auth(req('POST', { cookie, 'x-csrf-token': session.csrfToken }))).toEqual(asSession);
  });

  it.each(['post', 'PUT', 'DELETE', 'PATCH'])(
    'treats %s as state-changing even when requireCsrf is false',
    async (m) => {
      expect(await caught(() => auth(req(m, { cookie }), false))).toMatchObject(CSRF);
    },
  );

  it('checks CSRF on a GET when the caller requires it', async () => {
    expect(await caught(() => auth(req('GET', { cookie }), true))).toMatchObject(CSRF);
    expect(auth(req('GET', { cookie, 'x-csrf-token': session.csrfToken }), true)).toEqual(asSession);
  });

  it.each<[string, string | string[]]>([
    ['another session’s token', other.csrfToken],
    ['a repeated header', [session.csrfToken, session.csrfToken]],
    ['an empty header', ''],
  ])('refuses %s as the CSRF token', async (_name, token) => {
    expect(await caught(() => auth(req('POST', { cookie, 'x-csrf-token': token })))).toMatchObject(CSRF);
  });

  it('finds headers whatever their case, and keeps duplicates under different spellings', async () => {
    expect(auth(req('POST', { Cookie: cookie, 'X-CSRF-Token': session.csrfToken }))).toEqual(asSession);
    expect(auth(req('GET', { Cookie: 'theme=dark', cookie }))).toEqual(asSession);
    expect(await caught(() => auth(req('GET', { Cookie: cookie, cookie })))).toMatchObject(UNAUTHENTICATED);
  });

  it('refuses no credentials, an expired session and a junk cookie alike', async () => {
    for (const [request, now] of [
      [req('GET'), T0],
      [req('GET', { cookie }), new Date(T0.getTime() + SESSION_TTL_MS)],
      [req('GET', { cookie: `${SESSION_COOKIE}=junk` }), T0],
    ] as const) {
      expect(await caught(() => auth(request, false, now))).toMatchObject(UNAUTHENTICATED);
    }
  });

  it('reads the local cookie only in insecureLocal mode', async () => {
    const local = issueSession({ key: KEY, now: T0, insecureLocal: true });
    const localCookie = `etrade_session_local=${cookieValueOf(local.cookie)}`;
    const opts = { requireCsrf: false, insecureLocal: true };
    expect(authenticate(req('GET', { cookie: localCookie }), KEYS, T0, opts)).toMatchObject({
      kind: 'session',
    });
    expect(await caught(() => authenticate(req('GET', { cookie }), KEYS, T0, opts))).toMatchObject(
      UNAUTHENTICATED,
    );
    expect(await caught(() => auth(req('GET', { cookie: localCookie })))).toMatchObject(UNAUTHENTICATED);
  });
});

describe('authenticate: API keys', () => {
  it('accepts a bearer key without CSRF, on any method', () => {
    expect(auth(req('POST', { authorization: `Bearer ${apiKey}` }), true)).toEqual({ kind: 'apiKey' });
  });

  it('refuses a bad bearer key even next to a good session cookie (no silent fallback)', async () => {
    const headers = { authorization: 'Bearer eto_wrong', cookie, 'x-csrf-token': session.csrfToken };
    expect(await caught(() => auth(req('POST', headers)))).toMatchObject(UNAUTHENTICATED);
    expect(await caught(() => auth(req('GET', { authorization: '', cookie })))).toMatchObject(
      UNAUTHENTICATED,
    );
  });

  it('refuses every bearer key when no hash is configured', async () => {
    const run = () =>
      authenticate(req('GET', { authorization: `Bearer ${apiKey}` }), { loginLinkKey: KEY }, T0, {
        requireCsrf: false,
      });
    expect(await caught(run)).toMatchObject(UNAUTHENTICATED);
  });
});

describe('loadAuthKeys', () => {
  const reader = (values: Record<string, string>): SecretReader => ({ read: async (id) => values[id] });

  it('reads both secrets, forgiving whitespace and case in the hash', async () => {
    const secrets = reader({
      [SECRET_IDS.loginLinkKey]: KEY,
      [SECRET_IDS.apiKeyHash]: `${hash.toUpperCase()}\n`,
    });
    await expect(loadAuthKeys(secrets)).resolves.toEqual({ loginLinkKey: KEY, apiKeyHash: hash });
  });

  it('works without an API key hash (sessions only)', async () => {
    await expect(loadAuthKeys(reader({ [SECRET_IDS.loginLinkKey]: KEY }))).resolves.toEqual({
      loginLinkKey: KEY,
    });
  });

  it('fails clearly, as a deployment fault, when the login link key is missing', async () => {
    await expect(loadAuthKeys(reader({}))).rejects.toThrow(
      new Error('login link key not configured (secret etrade-oauth-login-link-key)'),
    );
  });

  it('names the secret but not its value when the key is too short or the hash malformed', async () => {
    const short = 'short-but-secret-value';
    await expect(loadAuthKeys(reader({ [SECRET_IDS.loginLinkKey]: short }))).rejects.toThrow(
      'secret etrade-oauth-login-link-key must be a string of at least 32 characters',
    );
    await expect(
      loadAuthKeys(reader({ [SECRET_IDS.loginLinkKey]: KEY, [SECRET_IDS.apiKeyHash]: apiKey })),
    ).rejects.toThrow(
      new Error('secret etrade-oauth-api-key-hash must be a sha256 digest as 64 hex characters'),
    );
  });
});
