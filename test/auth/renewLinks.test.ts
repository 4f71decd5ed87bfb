import { createLoginLink, redeemLoginLink } from '../../shared/auth/loginLinks';
import {
  chatFlowOwner,
  createRenewLink,
  redeemRenewLink,
  RENEW_LINK_TTL_MS,
} from '../../shared/auth/renewLinks';
import { issueSession } from '../../shared/auth/sessions';
import {
  caught,
  capturingLogger,
  cookieValueOf,
  fileLedger,
  KEY,
  LINK_INVALID,
  OTHER_KEY,
  PAGE_URL,
  T0,
  tokenOf,
} from './fixtures';

const CHAT = '-1001234567890';
const RENEW_INVALID = {
  code: 'ERR_RENEW_LINK_INVALID',
  message: 'This button is invalid, expired or already used. Send /renew in the chat for a new one.',
};

let env: Awaited<ReturnType<typeof fileLedger>>;
beforeEach(async () => {
  env = await fileLedger();
});
afterEach(() => env.cleanup());

const make = (overrides: Partial<Parameters<typeof createRenewLink>[0]> = {}) =>
  createRenewLink({
    key: KEY,
    pageUrl: `${PAGE_URL}/`,
    chatId: CHAT,
    connectionId: 'prod',
    now: T0,
    ...overrides,
  });

function redeem(token: unknown, options: { now?: Date; chatId?: string | undefined; key?: string } = {}) {
  const { log, lines } = capturingLogger();
  const result = redeemRenewLink({
    key: options.key ?? KEY,
    token,
    chatId: 'chatId' in options ? options.chatId : CHAT,
    now: options.now ?? T0,
    ledger: env.ledger,
    log,
  });
  return { result, reasons: () => lines.map((line) => JSON.parse(line).reason).filter(Boolean) };
}

describe('the chat’s renew button: a signed, single-use, chat-bound link', () => {
  it('is a /renew URL on the page’s origin, valid 30 minutes, naming its connection and chat', async () => {
    const { url, expiresAt } = make();
    expect(url).toMatch(new RegExp(`^${PAGE_URL}/renew\\?t=[\\w-]+\\.[\\w-]{43}$`));
    expect(expiresAt).toEqual(new Date(T0.getTime() + RENEW_LINK_TTL_MS));
    const redeemed = await redeem(tokenOf(url)).result;
    expect(redeemed).toMatchObject({ connectionId: 'prod', chatId: CHAT });
    expect(chatFlowOwner(redeemed.chatId)).toBe(`telegram:${CHAT}`);
  });

  it('works once; a failed start gives it back, to that redemption only', async () => {
    const token = tokenOf(make().url);
    const first = await redeem(token).result;
    const again = redeem(token);
    expect(await caught(() => again.result)).toMatchObject(RENEW_INVALID);
    expect(again.reasons()).toEqual(['replayed']);
    await first.release();
    const retried = await redeem(token).result;
    await first.release(); // a stale release does not free the new claim
    expect(await caught(() => redeem(token).result)).toMatchObject(RENEW_INVALID);
    expect(retried.connectionId).toBe('prod');
  });

  it('of several taps at once, exactly one gets through', async () => {
    const token = tokenOf(make().url);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => redeem(token).result));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it.each([
    [
      'expired (at exactly its expiry)',
      () => ({ token: tokenOf(make().url), now: new Date(T0.getTime() + RENEW_LINK_TTL_MS) }),
      'expired',
    ],
    ['made for another chat', () => ({ token: tokenOf(make({ chatId: '-100999' }).url) }), 'other_chat'],
    ['with no chat configured now', () => ({ token: tokenOf(make().url), chatId: undefined }), 'other_chat'],
    ['signed with another key', () => ({ token: tokenOf(make({ key: OTHER_KEY }).url) }), 'bad_signature'],
    [
      'a sign-in link’s token',
      () => ({ token: tokenOf(createLoginLink({ key: KEY, pageUrl: PAGE_URL, now: T0 }).url) }),
      'bad_signature',
    ],
    [
      'a session cookie',
      () => ({ token: cookieValueOf(issueSession({ key: KEY, now: T0 }).cookie) }),
      'bad_signature',
    ],
    ['absent', () => ({ token: undefined }), 'malformed'],
    ['not a token', () => ({ token: 'x'.repeat(600) }), 'malformed'],
  ])('is refused when %s, with the one answer, the reason logged', async (_what, input, reason) => {
    const { token, now, ...rest } = input() as { token: unknown; now?: Date; chatId?: string };
    const attempt = redeem(token, { now, ...rest });
    expect(await caught(() => attempt.result)).toMatchObject(RENEW_INVALID);
    expect(attempt.reasons()).toEqual([reason]);
  });

  it('is not a sign-in link either: its token presented to /api/login fails at the signature', async () => {
    const { log, lines } = capturingLogger();
    const token = tokenOf(make().url);
    expect(
      await caught(() => redeemLoginLink({ key: KEY, token, now: T0, ledger: env.ledger, log })),
    ).toMatchObject(LINK_INVALID);
    expect(JSON.parse(lines[0]).reason).toBe('bad_signature');
  });

  it('refuses to make a link longer than 30 minutes, or without a chat or connection', () => {
    expect(() => make({ ttlMs: RENEW_LINK_TTL_MS + 1000 })).toThrow(RangeError);
    expect(() => make({ chatId: '' })).toThrow('chatId');
    expect(() => make({ connectionId: '' })).toThrow('connectionId');
    expect(() => make({ pageUrl: `${PAGE_URL}/?x=1` })).toThrow('pageUrl');
  });
});
