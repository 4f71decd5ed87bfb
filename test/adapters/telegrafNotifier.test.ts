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
import { presentedSamples, renewUrl, SIGN_IN_URL } from '../support/sampleNotices';

const LABEL = 'Live &lt;IRA&gt; &amp; &quot;Joint&quot;';
const RENEW_PROD = { text: 'Log in to E*TRADE (Live <IRA> & "Joint")', url: renewUrl('prod') };
const HOW = [
  'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
  'The button works once, until 9:00 AM ET; /renew gives a new one.',
];

/**
 * What Telegram must receive for each kind, as the chat shows it (its renew buttons made): the whole
 * sendMessage body, to the character. docs/alerts.md shows the same texts (checked in its own test).
 */
export const EXPECTED: Record<
  NoticeKind,
  { text: string; buttons?: { text: string; url: string }[]; silent: boolean }
> = {
  'morning.reminder': {
    text: [
      '⏰ <b>Renew E*TRADE before the open</b>',
      'The market opens at 9:30 AM ET today, Tuesday, March 10.',
      `${LABEL}: no token yet.`,
      ...HOW,
    ].join('\n'),
    buttons: [RENEW_PROD],
    silent: false,
  },
  'morning.escalation': {
    text: [
      '🚨 <b>E*TRADE NOT RENEWED: THE MARKET OPENS IN 15 MIN</b>',
      'The market opens at 9:30 AM ET; the trading system cannot trade until someone logs in.',
      `${LABEL}: no token yet.`,
      ...HOW,
    ].join('\n'),
    buttons: [RENEW_PROD],
    silent: false,
  },
  'renewal.succeeded': {
    text: [
      `✅ <b>${LABEL}: token renewed</b>`,
      'Valid until midnight ET tonight; keep-alive keeps it active until then.',
      '2 open accounts; for support: generation 3.',
    ].join('\n'),
    silent: true,
  },
  'renewal.failed': {
    text: [
      `❌ <b>${LABEL}: renewal failed</b>`,
      'The new token could not be stored.',
      'Storage is unavailable right now. Try again shortly.',
      'The previous token, if any, is still the current one.',
      ...HOW,
      'Code for support: ERR_STORE_UNAVAILABLE.',
    ].join('\n'),
    buttons: [RENEW_PROD],
    silent: false,
  },
  'keepalive.warning': {
    text: [
      `⚠️ <b>${LABEL}: keep-alive failing</b>`,
      '3 keep-alive runs in a row failed; the token has been idle since 12:00 PM ET, so trading calls fail until one works.',
      'E*TRADE is not responding right now. Nothing to do yet: keep-alive tries again every 15 minutes and revives an idle token by itself; you get a message when it works.',
      'Code for support: ERR_TRANSIENT.',
    ].join('\n'),
    silent: false,
  },
  'keepalive.recovered': {
    text: [
      `🟢 <b>${LABEL}: keep-alive recovered</b>`,
      'Keep-alive revived the idle token after 4 failed runs; nothing to do.',
    ].join('\n'),
    silent: true,
  },
  'token.expired': {
    text: [
      `🛑 <b>${LABEL}: E*TRADE ended the token early</b>`,
      'E*TRADE refused the token at 11:05 AM ET, before its midnight expiry; keep-alive cannot bring it back.',
      `Trading on ${LABEL} stops until you log in again.`,
      ...HOW,
      'Code for support: ERR_TOKEN_REJECTED.',
    ].join('\n'),
    buttons: [RENEW_PROD],
    silent: false,
  },
  'login.link': {
    text: ['🔑 <b>Sign in to the E*TRADE token page</b>', 'This link works once, until 9:00 AM ET.'].join(
      '\n',
    ),
    buttons: [{ text: 'Open the token page', url: SIGN_IN_URL }],
    silent: false,
  },
  'consumerKey.aging': {
    text: [
      `🗝️ <b>${LABEL}: consumer key is near its 2-year lapse</b>`,
      'The consumer key is 23 months old; E*TRADE stops accepting keys about 2 years after issue (around April 1, 2026).',
      'Request a new key from E*TRADE, store it in the secret etrade-oauth-prod-consumer, then set consumerKeyCreatedAt; renewing the token cannot help.',
    ].join('\n'),
    silent: false,
  },
  'chat.status': {
    text: [
      '📊 <b>E*TRADE tokens</b>',
      `${LABEL}: active.`,
      'Sandbox: expired — log in again.',
      'Tokens end at midnight ET, in 15 h 30 min.',
      'Next morning reminder: Wednesday, March 11, 8:30 AM ET.',
      ...HOW,
    ].join('\n'),
    buttons: [{ text: 'Log in to E*TRADE (Sandbox)', url: renewUrl('sandbox') }],
    silent: true,
  },
  'chat.renew': {
    text: ['🔑 <b>Log in to E*TRADE</b>', ...HOW].join('\n'),
    buttons: [RENEW_PROD],
    silent: true,
  },
  'chat.help': {
    text: [
      '❔ <b>Commands</b>',
      '/status — every connection’s token, and a button for each that needs a login',
      '/renew [connection] — a button to log in to E*TRADE again',
      '/login — a sign-in link to the token page',
      '/pin CODE [connection] — a code from E*TRADE (pasting the code alone works too)',
    ].join('\n'),
    silent: true,
  },
  'chat.loginLimited': {
    text: [
      '⏳ <b>A sign-in link went out less than a minute ago</b>',
      'Use that one, or send /login again from 8:31 AM ET.',
    ].join('\n'),
    silent: true,
  },
  'code.accepted': {
    text: [
      `✅ <b>Code accepted for ${LABEL}</b>`,
      'Sandbox still waits for its code, until 8:34 AM ET.',
    ].join('\n'),
    silent: true,
  },
  'code.rejected': {
    text: [
      `❌ <b>Code not accepted for ${LABEL}</b>`,
      'E*TRADE did not accept that PIN. Check it and try again.',
      `${LABEL}: 4 tries left.`,
    ].join('\n'),
    silent: true,
  },
  'code.expired': {
    text: [
      '⌛ <b>The 5-minute window closed</b>',
      'E*TRADE accepts a code for 5 minutes after the button is tapped. Tap the button again for a new code.',
      ...HOW,
    ].join('\n'),
    buttons: [RENEW_PROD],
    silent: true,
  },
  'code.unmatched': {
    text: [
      '❔ <b>No E*TRADE login is waiting for a code</b>',
      'Tap a “Log in to E*TRADE” button first (/renew gives one), then paste the code it shows.',
    ].join('\n'),
    silent: true,
  },
};

/** A notice with its link made, as a channel hands it over. */
const LOGIN: Notice = {
  kind: 'login.link',
  title: 'Sign in to the E*TRADE token page',
  lines: ['This link works once, until 9:00 AM ET.'],
  buttons: [{ text: 'Open the token page', url: SIGN_IN_URL }],
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
    await notifier().send((await presentedSamples('chat'))[kind]);

    const { text, buttons, silent } = EXPECTED[kind];
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
          ...(buttons && { reply_markup: { inline_keyboard: buttons.map((button) => [button]) } }),
        },
      },
    ]);
  });

  it('several buttons: one per row, in order', async () => {
    const buttons = [
      { text: 'Log in to E*TRADE (Live)', url: renewUrl('prod') },
      { text: 'Log in to E*TRADE (IRA)', url: renewUrl('ira') },
    ];
    await notifier().send({ kind: 'morning.reminder', title: 'Renew', lines: [], buttons });
    expect(bot.sent()[0].reply_markup).toEqual({ inline_keyboard: [[buttons[0]], [buttons[1]]] });
    expect(bot.chat(TELEGRAM_CHAT)[0].buttons).toEqual(buttons);
  });

  it('locally, links to http://127.0.0.1 go out as text, saying why: Telegram refuses them as buttons', async () => {
    const local = 'http://127.0.0.1:8080/renew?t=local.c2lnbmF0dXJl';
    const chat = notifier();
    await chat.send({
      kind: 'chat.renew',
      title: 'Log in to E*TRADE',
      lines: ['Tap the button, log in to E*TRADE, then paste the 5-character code here.'],
      buttons: [{ text: 'Log in to E*TRADE (Live)', url: local }],
    });
    const [body] = bot.sent();
    expect(body.reply_markup).toBeUndefined();
    expect(body.text).toBe(
      [
        '🔑 <b>Log in to E*TRADE</b>',
        'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
        'Local mode: Telegram does not take buttons to http://127.0.0.1:8080, so the links are below as text; open them on this computer.',
        `Log in to E*TRADE (Live): ${local}`,
      ].join('\n'),
    );
    // What happens otherwise: the Bot API refuses the whole message.
    const refused = await chat
      .reply({ html: 'x', buttons: [{ text: 'Live', url: local }], silent: false })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ERR_CHANNEL_REJECTED', details: { status: 400 } });
    expect(String(refused)).not.toContain(local);
    expect(bot.chat(TELEGRAM_CHAT)).toHaveLength(1);
  });

  it('edits a sent message (editMessageText), and says which refusals it met', async () => {
    const chat = notifier();
    const id = await chat.reply({ html: '<b>Renew</b>', buttons: [LOGIN.buttons![0]], silent: false });
    expect(id).toBe(bot.chat(TELEGRAM_CHAT)[0].messageId);
    await chat.edit(id, { html: '<b>Done</b>', silent: true });
    expect(bot.calls('editMessageText')).toEqual([
      {
        chat_id: TELEGRAM_CHAT,
        message_id: id,
        text: '<b>Done</b>',
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      },
    ]);
    // No buttons on the edit: Telegram removes the keyboard.
    expect(bot.message(TELEGRAM_CHAT, id)).toMatchObject({ text: 'Done', buttons: [], edits: 1 });
    await expect(chat.edit(id, { html: '<b>Done</b>', silent: true })).rejects.toMatchObject({
      code: 'ERR_CHANNEL_REJECTED',
      details: { status: 400, reason: 'not_modified' },
    });
    await expect(chat.edit(id + 100, { html: 'x', silent: true })).rejects.toMatchObject({
      details: { reason: 'message_not_found' },
    });
    const update = bot.receive({ chat: TELEGRAM_CHAT, text: 'H92GX' }) as { message: { message_id: number } };
    await expect(chat.edit(update.message.message_id, { html: 'x', silent: true })).rejects.toMatchObject({
      details: { reason: 'not_allowed' },
    });
  });

  it('deletes messages (deleteMessage): its own, and a member’s only where it has the right', async () => {
    const chat = notifier();
    const own = await chat.reply({ html: 'mine', silent: true });
    await chat.remove(own);
    expect(bot.calls('deleteMessage')).toEqual([{ chat_id: TELEGRAM_CHAT, message_id: own }]);
    const code = (bot.receive({ chat: TELEGRAM_CHAT, text: 'H92GX' }) as { message: { message_id: number } })
      .message.message_id;
    // A supergroup where the bot is no admin: Telegram's "message can't be deleted".
    await expect(chat.remove(code)).rejects.toMatchObject({
      details: { status: 400, reason: 'not_allowed' },
    });
    await expect(chat.remove(own)).rejects.toMatchObject({ details: { reason: 'message_not_found' } });
    expect(bot.chat(TELEGRAM_CHAT).map((m) => m.text)).toEqual(['H92GX']);

    const admin = await new BotApiServer({
      tokens: [CANARY_BOT_TOKEN],
      chats: [TELEGRAM_CHAT],
      deleteRightsIn: [TELEGRAM_CHAT],
    }).start();
    try {
      const there = notifier({ apiRoot: admin.url });
      const pasted = (
        admin.receive({ chat: TELEGRAM_CHAT, text: 'H92GX' }) as { message: { message_id: number } }
      ).message.message_id;
      await there.remove(pasted);
      expect(admin.chat(TELEGRAM_CHAT)).toEqual([]);
    } finally {
      await admin.close();
    }
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
      .send(LOGIN)
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
      .send(LOGIN)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_TIMEOUT', channel: 'telegram' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expectNoCanary(error);
  });

  it('a slow answer inside the timeout is delivered', async () => {
    bot.faults.push({ kind: 'delay', ms: 100 });
    await notifier({ timeoutMs: 2_000 }).send(LOGIN);
    expect(bot.sent()).toHaveLength(1);
  });

  it('a reset connection is ERR_CHANNEL_UNREACHABLE with the system code only', async () => {
    bot.faults.push({ kind: 'reset' });
    const error = await notifier()
      .send(LOGIN)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_UNREACHABLE', details: { reason: 'ECONNRESET' } });
    expectNoCanary(error);
  });

  it('a Bot API server that is not there is ERR_CHANNEL_UNREACHABLE', async () => {
    const url = bot.url;
    await bot.close();
    const error = await notifier({ apiRoot: url })
      .send(LOGIN)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_UNREACHABLE', details: { reason: 'ECONNREFUSED' } });
    expectNoCanary(error);
    bot = await new BotApiServer({ tokens: [], chats: [] }).start(); // for afterEach
  });

  it('without the bot token secret: ERR_CHANNEL_NOT_CONFIGURED, or nothing at all when optional', async () => {
    secrets.values.delete(SECRET_IDS.telegramBotToken);
    await expect(notifier().send(LOGIN)).rejects.toMatchObject({
      code: 'ERR_CHANNEL_NOT_CONFIGURED',
    });
    await notifier({ optional: true }).send(LOGIN);
    expect(bot.requests).toEqual([]);
  });

  it('a token that would change the request path is refused before any request', async () => {
    secrets.values.set(SECRET_IDS.telegramBotToken, '123:abc/../../getMe');
    await expect(notifier().send(LOGIN)).rejects.toMatchObject({
      code: 'ERR_CHANNEL_NOT_CONFIGURED',
    });
    expect(bot.requests).toEqual([]);
  });

  it('an unreadable secret store is ERR_CHANNEL_SECRET_UNAVAILABLE, and the next send reads again', async () => {
    const chat = notifier();
    secrets.failing = true;
    await expect(chat.send(LOGIN)).rejects.toMatchObject({
      code: 'ERR_CHANNEL_SECRET_UNAVAILABLE',
    });
    secrets.failing = false;
    await chat.send(LOGIN);
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
    await chat.send(LOGIN);
    const rotated = '7000000001:CANARY-rotated-token-0123456789abcdefghij';
    secrets.values.set(SECRET_IDS.telegramBotToken, rotated);
    await expect(chat.send(LOGIN)).rejects.toMatchObject({
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
      errors.push(await chat.send(LOGIN).catch((e: unknown) => e));
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
