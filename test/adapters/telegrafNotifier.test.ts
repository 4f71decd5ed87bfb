import { inspect } from 'node:util';
import { TelegrafNotifier } from '../../shared/adapters/telegram/telegrafNotifier';
import { jsonLogger } from '../../shared/log';
import { ChannelError } from '../../shared/notify/errors';
import { NOTICE_STYLES } from '../../shared/notify/noticeStyle';
import { NOTICE_KINDS, type Notice, type NoticeKind } from '../../shared/ports/notifier';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { BotApiServer } from '../fakes/botApiServer';
import { parseTelegramHtml } from '../fakes/telegramHtmlParser';
import {
  CANARY_BOT_SECRET_PART,
  CANARY_BOT_TOKEN,
  MapSecretReader,
  TELEGRAM_CHAT,
} from '../support/canaries';
import { seededRandom } from '../support/random';
import { PAGE_URL, SIGN_IN_URL, sampleNotices } from '../support/sampleNotices';

const LABEL = 'Live &lt;IRA&gt; &amp; &quot;Joint&quot;';

/** What Telegram must receive for each kind: the whole sendMessage body, to the character. */
const EXPECTED: Record<
  NoticeKind,
  { text: string; button?: { text: string; url: string }; silent: boolean }
> = {
  'morning.reminder': {
    text: [
      '⏰ <b>Renew E*TRADE before the open</b>',
      'The market opens at 9:30 AM ET today, Tuesday, March 10.',
      `${LABEL}: no token yet.`,
      'Open the link, log in to E*TRADE and enter the 5-character PIN it shows.',
    ].join('\n'),
    button: { text: 'Renew now', url: SIGN_IN_URL },
    silent: false,
  },
  'morning.escalation': {
    text: [
      '🚨 <b>E*TRADE NOT RENEWED: THE MARKET OPENS IN 15 MIN</b>',
      `The market opens at 9:30 AM ET. ${LABEL}: no token yet.`,
      'The trading system cannot trade until someone logs in.',
      'Open the link now, log in to E*TRADE and enter the 5-character PIN it shows.',
    ].join('\n'),
    button: { text: 'Renew now', url: SIGN_IN_URL },
    silent: false,
  },
  'renewal.succeeded': {
    text: [
      `✅ <b>${LABEL}: token renewed</b>`,
      'Generation 3, 2 open account(s).',
      'Valid until Mar 11, 2026, 12:00 AM ET; keep-alive keeps it active until then.',
    ].join('\n'),
    silent: true,
  },
  'renewal.failed': {
    text: [
      `❌ <b>${LABEL}: renewal failed</b>`,
      'E*TRADE did not exchange the PIN for a token (ERR_VERIFIER_REJECTED).',
      'The previous token, if any, is unchanged. Start a new renewal from the page.',
    ].join('\n'),
    silent: false,
  },
  'keepalive.warning': {
    text: [
      `⚠️ <b>${LABEL}: keep-alive failing</b>`,
      '3 keep-alives in a row failed; the last with ERR_TRANSIENT.',
      'Without a successful call the token goes idle at 12:00 PM ET; keep-alive keeps trying until then.',
    ].join('\n'),
    button: { text: 'Check the token', url: PAGE_URL },
    silent: false,
  },
  'keepalive.recovered': {
    text: [
      `🟢 <b>${LABEL}: keep-alive recovered</b>`,
      'A keep-alive renewed the idle token after 4 failures in a row.',
    ].join('\n'),
    silent: true,
  },
  'token.expired': {
    text: [
      `🛑 <b>${LABEL}: E*TRADE token died before midnight</b>`,
      'E*TRADE refused the token during a keep-alive (ERR_TOKEN_REJECTED); renewing cannot revive it.',
      'Trading on this connection stops until someone logs in again with a new PIN.',
    ].join('\n'),
    button: { text: 'Log in again', url: PAGE_URL },
    silent: false,
  },
  'login.link': {
    text: ['🔑 <b>Sign in to the E*TRADE token page</b>', 'This link works once, for 30 minutes.'].join('\n'),
    button: { text: 'Open the token page', url: SIGN_IN_URL },
    silent: false,
  },
  'consumerKey.aging': {
    text: [
      `🗝️ <b>${LABEL}: consumer key is near its 2-year lapse</b>`,
      'The consumer key is 23 months old; E*TRADE stops accepting keys about 2 years after issue (around 2026-04-01).',
      'Request a new key from E*TRADE and store it in the secret etrade-oauth-prod-consumer, then set consumerKeyCreatedAt.',
    ].join('\n'),
    silent: false,
  },
};

describe('TelegrafNotifier against a local Bot API server', () => {
  let bot: BotApiServer;
  let secrets: MapSecretReader;
  let logs: string[];

  beforeEach(async () => {
    bot = await new BotApiServer({ tokens: [CANARY_BOT_TOKEN], chats: [TELEGRAM_CHAT] }).start();
    secrets = new MapSecretReader({ [SECRET_IDS.telegramBotToken]: CANARY_BOT_TOKEN });
    logs = [];
  });
  afterEach(() => bot.close());

  const notifier = (options: { timeoutMs?: number; optional?: boolean; apiRoot?: string } = {}) =>
    new TelegrafNotifier({
      secrets,
      chatId: TELEGRAM_CHAT,
      apiRoot: options.apiRoot ?? bot.url,
      log: jsonLogger((line) => logs.push(line)),
      ...options,
    });

  it('has an expected message for every notice kind', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...NOTICE_KINDS].sort());
  });

  it.each(NOTICE_KINDS.map((kind) => [kind]))('sends %s exactly as specified', async (kind) => {
    await notifier().send(sampleNotices()[kind]);

    const { text, button, silent } = EXPECTED[kind];
    expect(bot.requests).toEqual([
      {
        token: CANARY_BOT_TOKEN,
        method: 'sendMessage',
        body: {
          chat_id: TELEGRAM_CHAT,
          text,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          disable_notification: silent,
          ...(button && { reply_markup: { inline_keyboard: [[button]] } }),
        },
      },
    ]);
  });

  it('every dynamic character reaches the chat as text: random titles and lines round-trip', async () => {
    const random = seededRandom(20260310);
    const alphabet = [
      '<',
      '>',
      '&',
      '"',
      "'",
      '</b>',
      '<a href="x">',
      '&amp;',
      '&#60;',
      '*',
      '_',
      'é',
      '😀',
      ' ',
      'a',
    ];
    const pick = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const chat = notifier();
    const sent: Notice[] = [];
    for (let i = 0; i < 200; i++) {
      const notice: Notice = {
        kind: NOTICE_KINDS[i % NOTICE_KINDS.length],
        title: pick(1 + Math.floor(random() * 20)),
        lines: Array.from({ length: Math.floor(random() * 4) }, () => pick(Math.floor(random() * 30))),
      };
      await chat.send(notice); // the fake refuses anything Telegram's HTML parser would
      sent.push(notice);
    }
    bot.sent().forEach((body, i) => {
      const { kind, title, lines } = sent[i];
      const { emoji, loudness } = NOTICE_STYLES[kind];
      const heading = `${emoji} ${loudness === 'urgent' ? title.toUpperCase() : title}`;
      expect(parseTelegramHtml(body.text as string)).toEqual({
        ok: true,
        text: [heading, ...lines].join('\n'),
      });
    });
  });

  it('a message too long for one Telegram message is cut at a whole line', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'<&>'.repeat(10)}`);
    await notifier().send({ kind: 'keepalive.warning', title: 'long', lines });
    const text = bot.sent()[0].text as string;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/\n… \d+ more line\(s\)$/);
  });

  it.each([
    ['a Bot API refusal (chat not found)', 400, 'Bad Request: chat not found', 'ERR_CHANNEL_REJECTED'],
    ['a revoked token', 401, 'Unauthorized', 'ERR_CHANNEL_REJECTED'],
    ['flood control', 429, 'Too Many Requests: retry after 7', 'ERR_CHANNEL_RATE_LIMITED'],
    ['a Bot API outage', 502, 'Bad Gateway', 'ERR_CHANNEL_UNAVAILABLE'],
  ])('%s → %s', async (_what, status, description, code) => {
    bot.failWith(status, description);
    const error = await notifier()
      .send(sampleNotices()['login.link'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code, channel: 'telegram', details: { status } });
    // Telegram's description may quote the message; only the code and status are kept.
    expect((error as Error).message).toBe(`telegram: ${code} (${status})`);
    expectNoCanary(error);
  });

  it('a hung Bot API is abandoned after the timeout: ERR_CHANNEL_TIMEOUT', async () => {
    bot.faults.push({ kind: 'hang' });
    const started = performance.now();
    const error = await notifier({ timeoutMs: 250 })
      .send(sampleNotices()['morning.reminder'])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_TIMEOUT', channel: 'telegram' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expectNoCanary(error);
  });

  it('a slow answer inside the timeout is delivered', async () => {
    bot.faults.push({ kind: 'delay', ms: 100 });
    await notifier({ timeoutMs: 2_000 }).send(sampleNotices()['login.link']);
    expect(bot.sent()).toHaveLength(1);
  });

  it('a reset connection is ERR_CHANNEL_UNREACHABLE with the system code only', async () => {
    bot.faults.push({ kind: 'reset' });
    const error = await notifier()
      .send(sampleNotices()['login.link'])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_UNREACHABLE', details: { reason: 'ECONNRESET' } });
    expectNoCanary(error);
  });

  it('a Bot API server that is not there is ERR_CHANNEL_UNREACHABLE', async () => {
    const url = bot.url;
    await bot.close();
    const error = await notifier({ apiRoot: url })
      .send(sampleNotices()['login.link'])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_UNREACHABLE', details: { reason: 'ECONNREFUSED' } });
    expectNoCanary(error);
    bot = await new BotApiServer({ tokens: [], chats: [] }).start(); // for afterEach
  });

  it('without the bot token secret: ERR_CHANNEL_NOT_CONFIGURED, or nothing at all when optional', async () => {
    secrets.values.delete(SECRET_IDS.telegramBotToken);
    await expect(notifier().send(sampleNotices()['login.link'])).rejects.toMatchObject({
      code: 'ERR_CHANNEL_NOT_CONFIGURED',
    });
    await notifier({ optional: true }).send(sampleNotices()['login.link']);
    expect(bot.requests).toEqual([]);
  });

  it('a token that would change the request path is refused before any request', async () => {
    secrets.values.set(SECRET_IDS.telegramBotToken, '123:abc/../../getMe');
    await expect(notifier().send(sampleNotices()['login.link'])).rejects.toMatchObject({
      code: 'ERR_CHANNEL_NOT_CONFIGURED',
    });
    expect(bot.requests).toEqual([]);
  });

  it('an unreadable secret store is ERR_CHANNEL_SECRET_UNAVAILABLE, and the next send reads again', async () => {
    const chat = notifier();
    secrets.failing = true;
    await expect(chat.send(sampleNotices()['login.link'])).rejects.toMatchObject({
      code: 'ERR_CHANNEL_SECRET_UNAVAILABLE',
    });
    secrets.failing = false;
    await chat.send(sampleNotices()['login.link']);
    expect(bot.sent()).toHaveLength(1);
  });

  it('reads the token at the first send, not before, and follows a rotation', async () => {
    const reads: string[] = [];
    const counting = { read: async (id: string) => (reads.push(id), secrets.read(id)) };
    const chat = new TelegrafNotifier({
      secrets: counting,
      chatId: TELEGRAM_CHAT,
      apiRoot: `${bot.url}/`,
      log: jsonLogger(() => undefined),
    });
    expect(reads).toEqual([]);
    await chat.send(sampleNotices()['login.link']);
    const rotated = '7000000001:CANARY-rotated-token-0123456789abcdefghij';
    secrets.values.set(SECRET_IDS.telegramBotToken, rotated);
    await expect(chat.send(sampleNotices()['login.link'])).rejects.toMatchObject({
      details: { status: 401 },
    });
    expect(bot.requests.map((r) => r.token)).toEqual([CANARY_BOT_TOKEN, rotated]);
  });

  it('never puts the bot token in a log line or an error, whatever fails', async () => {
    const chat = notifier({ timeoutMs: 200 });
    const errors: unknown[] = [];
    for (const fault of [
      () => bot.failWith(400, `Bad Request: token ${CANARY_BOT_TOKEN}`),
      () => bot.failWith(500, 'Internal Server Error'),
      () => bot.faults.push({ kind: 'hang' }),
      () => bot.faults.push({ kind: 'reset' }),
    ]) {
      fault();
      errors.push(await chat.send(sampleNotices()['login.link']).catch((e: unknown) => e));
    }
    expect(errors.every((e) => e instanceof ChannelError)).toBe(true);
    errors.forEach(expectNoCanary);
    expect(logs.join('\n')).not.toContain(CANARY_BOT_SECRET_PART);
    // By the Bot API's design the token is in the request path, and only there.
    expect(bot.requests.every((r) => r.token === CANARY_BOT_TOKEN)).toBe(true);
  });

  function expectNoCanary(error: unknown) {
    for (const form of [String(error), inspect(error, { depth: 5 }), JSON.stringify(error)]) {
      expect(form).not.toContain(CANARY_BOT_SECRET_PART);
    }
  }
});
