import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { BotApiServer } from '../fakes/botApiServer';
import {
  CANARY_BOT_SECRET_PART,
  CANARY_BOT_TOKEN,
  CANARY_WEBHOOK_SECRET,
  TELEGRAM_CHAT,
} from '../support/canaries';
import { FunctionsHarness, type Credentials } from '../support/functionsHarness';
import { LocalWorld } from '../support/localWorld';
import { HOSTILE_LABEL } from '../support/sampleNotices';
import { loginAndReadPin } from '../support/simulatedEtrade';

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const STRANGER_CHAT = 555000111;

describe('telegramWebhook through functions-framework, replies through telegraf to a local Bot API server', () => {
  let bot: BotApiServer;
  let world: LocalWorld;
  let fx: FunctionsHarness;
  let trader: Credentials;
  let updates = 1000;

  beforeEach(async () => {
    bot = await new BotApiServer({
      tokens: [CANARY_BOT_TOKEN],
      chats: [TELEGRAM_CHAT, STRANGER_CHAT],
    }).start();
    world = await LocalWorld.start('2026-11-25T13:30:00Z', {
      TELEGRAM_CHAT_ID: TELEGRAM_CHAT,
      TELEGRAM_API_ROOT: bot.url,
      ETRADE_CONNECTIONS: JSON.stringify([{ id: 'prod', environment: 'prod', label: HOSTILE_LABEL }]),
    });
    await addSecrets({
      [SECRET_IDS.telegramBotToken]: CANARY_BOT_TOKEN,
      [SECRET_IDS.telegramWebhookSecret]: CANARY_WEBHOOK_SECRET,
    });
    fx = await new FunctionsHarness(world).start();
    trader = await fx.signIn();
  });
  afterEach(async () => {
    await fx.close();
    await world.close();
    await bot.close();
  });

  async function addSecrets(values: Record<string, string | undefined>) {
    const path = join(world.dir, 'secrets.json');
    const secrets = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    for (const [id, value] of Object.entries(values)) {
      if (value === undefined) delete secrets[id];
      else secrets[id] = value;
    }
    await writeFile(path, JSON.stringify(secrets), { mode: 0o600 });
  }

  /** An update as Telegram posts it: a text message in a chat, with the webhook's secret header. */
  function post(
    text: string,
    options: { chat?: number | string; secret?: string | null; updateId?: number } = {},
  ) {
    const chatId = Number(options.chat ?? TELEGRAM_CHAT);
    const updateId = options.updateId ?? ++updates;
    const headers: Record<string, string> = {};
    if (options.secret !== null) headers[SECRET_HEADER] = options.secret ?? CANARY_WEBHOOK_SECRET;
    return fx.call('telegramWebhook', '/', {
      headers,
      body: {
        update_id: updateId,
        message: {
          message_id: updateId,
          date: 1764077400,
          chat: { id: chatId, type: chatId < 0 ? 'supergroup' : 'private' },
          from: { id: 42, is_bot: false, first_name: 'Trader' },
          text,
        },
      },
    });
  }

  const sent = () => bot.sent();

  it('refuses a wrong or missing secret header with 401 and sends nothing', async () => {
    expect(await post('/status', { secret: 'not-the-secret' })).toMatchObject({ status: 401 });
    expect(await post('/status', { secret: null })).toMatchObject({ status: 401 });
    expect(await post('/status', { secret: CANARY_WEBHOOK_SECRET.slice(0, -1) })).toMatchObject({
      status: 401,
    });
    expect(await post('/status', { secret: `${CANARY_WEBHOOK_SECRET}x` })).toMatchObject({ status: 401 });
    expect(sent()).toEqual([]);
  });

  it('refuses everything while no webhook secret is configured', async () => {
    await addSecrets({ [SECRET_IDS.telegramWebhookSecret]: undefined });
    expect(await post('/status')).toMatchObject({ status: 401 });
    expect(sent()).toEqual([]);
  });

  it('answers another chat 200 {} and sends nothing, to it or to anyone', async () => {
    for (const text of ['/status', '/login', '/help', 'hello']) {
      expect(await post(text, { chat: STRANGER_CHAT })).toMatchObject({ status: 200, body: {} });
    }
    expect(sent()).toEqual([]);
    expect(bot.requests).toEqual([]);
  });

  it('/status from the configured chat: each connection’s state and time to expiry, escaped', async () => {
    const started = await fx.call('requestToken', '/api/request-token', {
      body: { connection: 'prod' },
      credentials: trader,
    });
    const { flowId, authorizeUrl } = started.body as { flowId: string; authorizeUrl: string };
    const pin = await loginAndReadPin(authorizeUrl);
    expect(
      (await fx.call('exchangePin', '/api/exchange-pin', { body: { flowId, pin }, credentials: trader }))
        .status,
    ).toBe(200);

    expect(await post('/status')).toEqual(expect.objectContaining({ status: 200, body: {} }));
    expect(sent()).toEqual([
      {
        chat_id: TELEGRAM_CHAT,
        text: [
          '📊 <b>E*TRADE tokens</b>',
          'Live &lt;IRA&gt; &amp; &quot;Joint&quot;: active; expires in 15 h 30 min',
          'Sandbox: no token yet',
          'Tokens end at midnight ET, in 15 h 30 min.',
          'Next morning reminder: Friday, November 27, 8:30 AM ET.',
        ].join('\n'),
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        disable_notification: true,
      },
    ]);
  });

  it('/login from the configured chat: a fresh single-use sign-in link on a button, no preview', async () => {
    expect(await post('/login@etrade_token_bot')).toMatchObject({ status: 200, body: {} });
    const [message] = sent() as {
      chat_id: string;
      reply_markup: { inline_keyboard: { text: string; url: string }[][] };
    }[];
    expect(message).toMatchObject({
      chat_id: TELEGRAM_CHAT,
      text: '🔑 <b>Sign in to the E*TRADE token page</b>\nThis link works once, for 30 minutes.',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
    const [[button]] = message.reply_markup.inline_keyboard;
    expect(button.text).toBe('Open the token page');
    expect(button.url.startsWith(`${world.ctx.pageUrl}/login?t=`)).toBe(true);
    // The link signs in, once.
    const token = new URL(button.url).searchParams.get('t');
    expect((await fx.call('actions', '/api/login', { body: { token } })).status).toBe(200);
    expect((await fx.call('actions', '/api/login', { body: { token } })).status).toBe(401);
  });

  it('an unknown command gets a short help, the command escaped; plain text gets nothing', async () => {
    await post('/<b>bold</b>&co');
    await post('just chatting');
    expect(sent().map((m) => m.text)).toEqual([
      [
        '❔ <b>Unknown command</b> <code>/&lt;b&gt;bold&lt;/b&gt;&amp;co</code>',
        '/status — every connection’s token state and time to expiry',
        '/login — a fresh single-use sign-in link to the token page',
      ].join('\n'),
    ]);
  });

  it('a redelivered update (same update_id) is answered once', async () => {
    await post('/login', { updateId: 77 });
    await post('/login', { updateId: 77 });
    expect(sent()).toHaveLength(1);
  });

  it('edits, callbacks and malformed updates are acknowledged and ignored', async () => {
    const call = (body: unknown) =>
      fx.call('telegramWebhook', '/', { headers: { [SECRET_HEADER]: CANARY_WEBHOOK_SECRET }, body });
    const chat = { id: Number(TELEGRAM_CHAT), type: 'supergroup' };
    for (const body of [
      { update_id: 1, edited_message: { message_id: 1, chat, text: '/login' } },
      { update_id: 2, callback_query: { id: 'x', data: '/login' } },
      { update_id: 'three', message: { chat, text: '/login' } },
      { update_id: 4, message: { chat: { id: 'not-a-number' }, text: '/login' } },
      {},
    ]) {
      expect(await call(body)).toMatchObject({ status: 200, body: {} });
    }
    expect(sent()).toEqual([]);
  });

  it('a Bot API failure while replying is logged (no token) and still answered 200', async () => {
    bot.failWith(500, 'Internal Server Error');
    expect(await post('/status')).toMatchObject({ status: 200, body: {} });
    const failed = world.logs
      .map((line) => JSON.parse(line))
      .filter((e) => e.message === 'telegram.command_failed');
    expect(failed).toEqual([
      expect.objectContaining({ command: '/status', code: 'ERR_CHANNEL_UNAVAILABLE' }),
    ]);
    expect(world.logs.join('\n')).not.toContain(CANARY_BOT_SECRET_PART);
    expect(world.logs.join('\n')).not.toContain(CANARY_WEBHOOK_SECRET);
  });
});

describe('morningAlert stages over Pub/Sub and POST /cron/morning-alert', () => {
  let world: LocalWorld;
  let fx: FunctionsHarness;

  beforeEach(async () => {
    world = await LocalWorld.start('2026-11-25T14:15:00Z'); // Wednesday 09:15 EST
    fx = await new FunctionsHarness(world).start();
  });
  afterEach(async () => {
    await fx.close();
    await world.close();
  });

  it('{"stage":"escalation"} delivered twice sends one escalation with a sign-in link', async () => {
    expect(await fx.deliver('morningAlert', { stage: 'escalation' }, 'esc-1')).toBe(204);
    expect(await fx.deliver('morningAlert', { stage: 'escalation' }, 'esc-1')).toBe(204);
    const escalations = world.notices.ofKind('morning.escalation');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ title: 'E*TRADE not renewed: the market opens in 15 min' });
    expect(escalations[0].link?.url).toMatch(/\/login\?t=/);
    expect(world.notices.ofKind('morning.reminder')).toEqual([]);
  });

  it('an unknown stage is acknowledged, logged and does nothing', async () => {
    expect(await fx.deliver('morningAlert', { stage: 'panic' })).toBe(204);
    expect(world.notices.notices).toEqual([]);
    expect(world.logs.some((line) => /"morningAlert\.done".*"stage":"unknown"/.test(line))).toBe(true);
  });

  it('POST /cron/morning-alert runs the escalation with {"stage":"escalation"}; a bad stage is 400', async () => {
    const trader = await fx.signIn();
    const answer = await fx.call('actions', '/cron/morning-alert', {
      body: { stage: 'escalation' },
      credentials: trader,
    });
    expect(answer).toMatchObject({ status: 200, body: { sent: true, reason: 'sent', nyDate: '2026-11-25' } });
    const reminder = await fx.call('actions', '/cron/morning-alert', { body: {}, credentials: trader });
    expect(reminder).toMatchObject({ status: 200, body: { sent: true, reason: 'sent' } }); // 09:15 is in its window
    const bad = await fx.call('actions', '/cron/morning-alert', {
      body: { stage: 'loud' },
      credentials: trader,
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'ERR_BAD_REQUEST' } } });
    expect(world.notices.notices.map((n) => n.kind)).toEqual(['morning.escalation', 'morning.reminder']);
  });
});
