import { csrfTokenFor } from '../../shared/auth/csrf';
import { deriveKey } from '../../shared/auth/keys';
import {
  clearSessionCookie,
  isLoopbackHttpPage,
  issueSession,
  readSession,
  SESSION_TTL_MS,
} from '../../shared/auth/sessions';
import { signToken } from '../../shared/auth/signedToken';
import { capturingLogger, cookieValueOf, KEY, OTHER_KEY, T0 } from './fixtures';

const NAME = '__Host-etrade_session';
const issue = (ttlMs?: number) => issueSession({ key: KEY, now: T0, ttlMs });
const read = (cookieHeader: string | string[] | undefined, now = T0, key = KEY) =>
  readSession({ key, cookieHeader, now });

describe('issueSession', () => {
  it('sets a __Host- cookie with exactly HttpOnly, Secure, SameSite=Strict, Path=/ and a 12-hour Max-Age', () => {
    const { cookie, sessionId, expiresAt, csrfToken } = issue();
    expect(cookie).toMatch(
      /^__Host-etrade_session=[\w-]+\.[\w-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=43200$/,
    );
    expect(cookie).not.toMatch(/Domain/i);
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(expiresAt).toEqual(new Date(T0.getTime() + SESSION_TTL_MS));
    expect(csrfToken).toBe(csrfTokenFor(KEY, sessionId));
  });

  it('caps the lifetime at 12 hours; a shorter one shows in Max-Age and the expiry', () => {
    const { cookie, expiresAt } = issue(60 * 60_000);
    expect(cookie).toMatch(/; Max-Age=3600$/);
    expect(expiresAt).toEqual(new Date(T0.getTime() + 60 * 60_000));
    expect(() => issue(SESSION_TTL_MS + 1)).toThrow(RangeError);
    expect(() => issue(0)).toThrow(RangeError);
  });

  it('gives every session its own id', () => {
    expect(issue().sessionId).not.toBe(issue().sessionId);
  });
});

describe('readSession', () => {
  it('round-trips the issued cookie', () => {
    const { cookie, sessionId, expiresAt } = issue();
    expect(read(`${NAME}=${cookieValueOf(cookie)}`)).toEqual({ sessionId, expiresAt });
  });

  it('is valid until the last millisecond before its expiry and not at exactly e', () => {
    const { cookie, expiresAt } = issue();
    const header = `${NAME}=${cookieValueOf(cookie)}`;
    expect(read(header, new Date(expiresAt.getTime() - 1))).toBeDefined();
    expect(read(header, expiresAt)).toBeUndefined();
  });

  it('refuses a cookie signed with another key', () => {
    const cookie = issueSession({ key: OTHER_KEY, now: T0 }).cookie;
    expect(read(`${NAME}=${cookieValueOf(cookie)}`)).toBeUndefined();
  });

  it('refuses a correctly signed payload of the wrong shape', () => {
    const sign = (payload: object) => `${NAME}=${signToken(deriveKey(KEY, 'session-v1'), payload)}`;
    expect(read(sign({ s: 'a'.repeat(32), e: 2e9 }))).toBeDefined();
    expect(read(sign({ s: 'a'.repeat(32), e: 2e9, admin: true }))).toBeUndefined();
    expect(read(sign({ s: 'A'.repeat(32), e: 2e9 }))).toBeUndefined();
    expect(read(sign({ s: 'a'.repeat(32), e: '2000000000' }))).toBeUndefined();
  });

  describe('Cookie header parsing', () => {
    const value = () => cookieValueOf(issue().cookie);
    it.each<[string, (v: string) => string | string[] | undefined, boolean]>([
      ['among other cookies', (v) => `theme=dark; ${NAME}=${v}; _ga=GA1.2.3`, true],
      ['with spaces around ; and =', (v) => `  a=1 ;${NAME} =  ${v}  ;b=2`, true],
      ['with a nameless crumb and an empty cookie', (v) => `flag; empty=; ${NAME}=${v}`, true],
      ['split over several header lines (HTTP/2)', (v) => ['a=1', `${NAME}=${v}`, 'b=2'], true],
      ['absent', () => undefined, false],
      ['empty', () => '', false],
      ['only other cookies', () => 'a=1; b=2', false],
      ['with an empty value', () => `${NAME}=`, false],
      ['twice, even identical', (v) => `${NAME}=${v}; ${NAME}=${v}`, false],
      ['twice across header lines', (v) => [`${NAME}=${v}`, `${NAME}=${v}`], false],
      ['twice, one of them junk', (v) => `${NAME}=${v}; ${NAME}=junk`, false],
      ['under a differently cased name', (v) => `__host-etrade_session=${v}`, false],
      ['without the __Host- prefix', (v) => `etrade_session=${v}`, false],
      ['quoted', (v) => `${NAME}="${v}"`, false],
      ['in a huge header', (v) => `${NAME}=${v}; pad=${'x'.repeat(20_000)}`, false],
    ])('%s', (_name, header, accepted) => {
      expect(read(header(value())) !== undefined).toBe(accepted);
    });
  });

  it('logs why a cookie was refused, never its value or the key', () => {
    const { log, lines } = capturingLogger();
    const v = cookieValueOf(issue().cookie);
    for (const header of [
      `${NAME}=${v}; ${NAME}=${v}`,
      `${NAME}=${v}.`,
      `${NAME}=${v.replace(/\.(.)/, (_all, c: string) => `.${c === 'A' ? 'B' : 'A'}`)}`,
    ]) {
      expect(readSession({ key: KEY, cookieHeader: header, now: T0, log })).toBeUndefined();
    }
    readSession({
      key: KEY,
      cookieHeader: `${NAME}=${v}`,
      now: new Date(T0.getTime() + SESSION_TTL_MS),
      log,
    });
    expect(lines.map((line) => JSON.parse(line).reason)).toEqual([
      'duplicate',
      'malformed',
      'bad_signature',
      'expired',
    ]);
    for (const secret of [v, ...v.split('.'), KEY]) expect(lines.join('\n')).not.toContain(secret);
  });
});

describe('clearSessionCookie', () => {
  it('expires the cookie with the same name and attributes', () => {
    expect(clearSessionCookie()).toBe(`${NAME}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`);
  });
});

describe('insecureLocal (http://127.0.0.1 only)', () => {
  const local = { insecureLocal: true } as const;

  it('drops Secure and the __Host- prefix and uses its own name', () => {
    const { cookie } = issueSession({ key: KEY, now: T0, ...local });
    expect(cookie).toMatch(
      /^etrade_session_local=[\w-]+\.[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/,
    );
    expect(clearSessionCookie(local)).toBe(
      'etrade_session_local=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    );
  });

  it('never accepts a local cookie as a production one, or the reverse, even under the other name', () => {
    const localValue = cookieValueOf(issueSession({ key: KEY, now: T0, ...local }).cookie);
    const secureValue = cookieValueOf(issue().cookie);
    const readLocal = (header: string) => readSession({ key: KEY, cookieHeader: header, now: T0, ...local });
    expect(readLocal(`etrade_session_local=${localValue}`)).toBeDefined();
    expect(read(`${NAME}=${localValue}`)).toBeUndefined();
    expect(readLocal(`etrade_session_local=${secureValue}`)).toBeUndefined();
    expect(readLocal(`${NAME}=${secureValue}`)).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:8080', true],
    ['http://localhost:3000/', true],
    ['http://app.localhost', true],
    ['http://[::1]:8080', true],
    ['https://127.0.0.1', false],
    ['http://192.168.1.10:8080', false],
    ['http://127.0.0.1.evil.example', false],
    ['http://localhost.evil.example', false],
    ['https://etrade-oauth.example.web.app', false],
    ['nonsense', false],
  ])('isLoopbackHttpPage(%s) is %s', (url, expected) => {
    expect(isLoopbackHttpPage(url)).toBe(expected);
  });
});
