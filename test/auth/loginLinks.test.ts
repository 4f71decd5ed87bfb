import { deriveKey } from '../../shared/auth/keys';
import { createLoginLink, LOGIN_LINK_TTL_MS, redeemLoginLink } from '../../shared/auth/loginLinks';
import { signToken } from '../../shared/auth/signedToken';
import {
  caught,
  capturingLogger,
  fileLedger,
  KEY,
  LINK_INVALID,
  OTHER_KEY,
  PAGE_URL,
  T0,
  tokenOf,
} from './fixtures';

let env: Awaited<ReturnType<typeof fileLedger>>;
beforeEach(async () => {
  env = await fileLedger();
});
afterEach(() => env.cleanup());

const link = (ttlMs?: number) => createLoginLink({ key: KEY, pageUrl: PAGE_URL, now: T0, ttlMs });
const redeem = (token: unknown, now = T0, key = KEY) =>
  redeemLoginLink({ key, token, now, ledger: env.ledger });
/** Changes the MAC's first character, which (unlike its last) carries six whole bits. */
const flipMacChar = (token: string) =>
  token.replace(/\.(.)/, (_all, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
/** A correctly signed link payload, to reach the checks behind the signature. */
const signedLink = (payload: object) => signToken(deriveKey(KEY, 'link-v1'), payload);

describe('createLoginLink', () => {
  it('builds <pageUrl>/login?t=<payload>.<mac> expiring 30 minutes from now by default', () => {
    const { url, expiresAt } = link();
    expect(url).toMatch(/^https:\/\/etrade-oauth\.example\.web\.app\/login\?t=[\w-]+\.[\w-]{43}$/);
    expect(expiresAt).toEqual(new Date(T0.getTime() + LOGIN_LINK_TTL_MS));
    const payload = JSON.parse(Buffer.from(tokenOf(url).split('.')[0], 'base64url').toString());
    expect(payload).toEqual({
      n: expect.stringMatching(/^[0-9a-f]{32}$/),
      e: expiresAt.getTime() / 1000,
      v: 1,
    });
  });

  it('gives every link its own nonce', () => {
    expect(tokenOf(link().url)).not.toBe(tokenOf(link().url));
  });

  it('joins a page URL with a trailing slash or a path without doubling the slash', () => {
    const at = (pageUrl: string) => createLoginLink({ key: KEY, pageUrl, now: T0 }).url.split('?')[0];
    expect(at(`${PAGE_URL}/`)).toBe(`${PAGE_URL}/login`);
    expect(at('http://127.0.0.1:8080/app/')).toBe('http://127.0.0.1:8080/app/login');
  });

  it.each([['ftp://x.example'], ['not a url'], [`${PAGE_URL}/?a=1`], [`${PAGE_URL}/#x`]])(
    'refuses page URL %s',
    (pageUrl) => {
      expect(() => createLoginLink({ key: KEY, pageUrl, now: T0 })).toThrow(TypeError);
    },
  );

  it('caps the lifetime at 30 minutes and wants whole positive milliseconds', () => {
    expect(link(10 * 60_000).expiresAt).toEqual(new Date(T0.getTime() + 10 * 60_000));
    for (const ttl of [LOGIN_LINK_TTL_MS + 1, 0, 999, 1.5, Number.NaN]) {
      expect(() => link(ttl)).toThrow(RangeError);
    }
  });

  it('refuses a short key without echoing it', () => {
    expect(() => createLoginLink({ key: 'short-secret-value', pageUrl: PAGE_URL, now: T0 })).toThrow(
      new TypeError('loginLinkKey must be a string of at least 32 characters'),
    );
  });
});

describe('redeemLoginLink', () => {
  it('accepts a fresh link once and returns its nonce', async () => {
    const token = tokenOf(link().url);
    const { nonce } = await redeem(token);
    expect(nonce).toBe(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).n);
  });

  it('refuses a replay, with the same answer as a forgery', async () => {
    const token = tokenOf(link().url);
    await redeem(token);
    expect(await caught(() => redeem(token, new Date(T0.getTime() + 1000)))).toMatchObject(LINK_INVALID);
  });

  it('lets exactly one of two simultaneous redemptions through', async () => {
    const token = tokenOf(link().url);
    const results = await Promise.allSettled([redeem(token), redeem(token), redeem(token)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('is valid until the last millisecond before its expiry and refused at exactly e', async () => {
    const { url, expiresAt } = link();
    expect(await caught(() => redeem(tokenOf(url), expiresAt))).toMatchObject(LINK_INVALID);
    await expect(redeem(tokenOf(url), new Date(expiresAt.getTime() - 1))).resolves.toBeDefined();
  });

  it('does not write a marker for an expired link', async () => {
    const claimMarker = jest.fn(async () => true);
    const { url, expiresAt } = link();
    const run = () =>
      redeemLoginLink({ key: KEY, token: tokenOf(url), now: expiresAt, ledger: { claimMarker } });
    expect(await caught(run)).toMatchObject(LINK_INVALID);
    expect(claimMarker).not.toHaveBeenCalled();
  });

  it('claims the marker until the link itself expires', async () => {
    const claimMarker = jest.fn(async () => true);
    const { url, expiresAt } = link();
    const { nonce } = await redeemLoginLink({
      key: KEY,
      token: tokenOf(url),
      now: T0,
      ledger: { claimMarker },
    });
    expect(claimMarker).toHaveBeenCalledWith(`login-link:${nonce}`, T0, expiresAt);
  });

  it('lets a ledger failure through instead of calling the link invalid', async () => {
    const ledger = { claimMarker: async () => Promise.reject(new Error('firestore unavailable')) };
    const run = redeemLoginLink({ key: KEY, token: tokenOf(link().url), now: T0, ledger });
    await expect(run).rejects.toThrow('firestore unavailable');
  });

  const valid = () => tokenOf(link().url);
  const cases: Array<[string, () => unknown]> = [
    ['another key', () => tokenOf(createLoginLink({ key: OTHER_KEY, pageUrl: PAGE_URL, now: T0 }).url)],
    [
      'a tampered payload (longer expiry)',
      () => {
        const [, mac] = valid().split('.');
        const payload = Buffer.from(JSON.stringify({ n: 'a'.repeat(32), e: 2e9, v: 1 })).toString(
          'base64url',
        );
        return `${payload}.${mac}`;
      },
    ],
    ['a changed signature character', () => flipMacChar(valid())],
    ['a changed payload character', () => valid().replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))],
    ['a truncated token', () => valid().slice(0, -5)],
    ['the payload alone', () => valid().split('.')[0]],
    ['an extra dot', () => `${valid()}.`],
    ['three parts', () => `${valid()}.${valid().split('.')[1]}`],
    ['a leading dot', () => `.${valid()}`],
    ['huge input', () => `${valid()}${'A'.repeat(100_000)}`],
    ['a standard-base64 "+"', () => valid().replace(/^./, '+')],
    ['padding', () => `${valid()}=`],
    ['whitespace', () => ` ${valid()}`],
    ['non-ASCII', () => valid().replace(/^./, 'é')],
    ['empty', () => ''],
    ['absent', () => undefined],
    ['a repeated query parameter', () => [valid(), valid()]],
    ['a signed payload with version 2', () => signedLink({ n: 'a'.repeat(32), e: 2e9, v: 2 })],
    ['a signed payload with an extra field', () => signedLink({ n: 'a'.repeat(32), e: 2e9, v: 1, x: 1 })],
    ['a signed payload with a short nonce', () => signedLink({ n: 'abc', e: 2e9, v: 1 })],
    [
      'a signed payload with a fractional expiry',
      () => signedLink({ n: 'a'.repeat(32), e: 2e9 + 0.5, v: 1 }),
    ],
    ['a signed non-object', () => signedLink([1, 2, 3])],
  ];
  it.each(cases)('refuses %s', async (_name, make) => {
    expect(await caught(() => redeem(make()))).toMatchObject(LINK_INVALID);
  });

  it('logs which check failed, never the token or the key', async () => {
    const { log, lines } = capturingLogger();
    const token = tokenOf(link().url);
    const attempt = (t: string, now = T0) =>
      caught(() => redeemLoginLink({ key: KEY, token: t, now, ledger: env.ledger, log }));
    await attempt('garbage');
    await attempt(flipMacChar(token));
    await attempt(token, new Date(T0.getTime() + LOGIN_LINK_TTL_MS));
    await redeemLoginLink({ key: KEY, token, now: T0, ledger: env.ledger, log });
    await attempt(token);
    const reasons = lines.map((line) => JSON.parse(line).reason).filter(Boolean);
    expect(reasons).toEqual(['malformed', 'bad_signature', 'expired', 'replayed']);
    for (const part of [token, ...token.split('.'), KEY]) expect(lines.join('\n')).not.toContain(part);
  });
});
