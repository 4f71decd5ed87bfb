import { TELEGRAM_CHAT, CANARY_BOT_SECRET_PART, CANARY_WEBHOOK_SECRET } from '../support/canaries';
import { ChatWorld, PUBLIC_PAGE, STRANGER_CHAT, withoutTokens } from '../support/chatWorld';
import { FunctionsHarness } from '../support/functionsHarness';
import { LocalWorld } from '../support/localWorld';
import { HOSTILE_LABEL } from '../support/sampleNotices';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const HTML = { parse_mode: 'HTML', link_preview_options: { is_disabled: true } };

describe('telegramWebhook through functions-framework, replies through telegraf to a local Bot API server', () => {
  let chat: ChatWorld;
  beforeEach(async () => {
    chat = await ChatWorld.start('2026-11-25T13:30:00Z', {
      env: {
        ETRADE_CONNECTIONS: JSON.stringify([{ id: 'prod', environment: 'prod', label: HOSTILE_LABEL }]),
      },
    });
  });
  afterEach(() => chat.close());

  const sent = () => chat.bot.sent();

  async function removeWebhookSecret() {
    const path = join(chat.world.dir, 'secrets.json');
    const secrets = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    delete secrets[SECRET_IDS.telegramWebhookSecret];
    await writeFile(path, JSON.stringify(secrets), { mode: 0o600 });
  }

  it('refuses a wrong or missing secret header with 401 and sends nothing', async () => {
    const update = () => chat.bot.receive({ chat: TELEGRAM_CHAT, text: '/status' });
    expect(await chat.post(update(), 'not-the-secret')).toMatchObject({ status: 401 });
    expect(await chat.post(update(), null)).toMatchObject({ status: 401 });
    expect(await chat.post(update(), CANARY_WEBHOOK_SECRET.slice(0, -1))).toMatchObject({ status: 401 });
    expect(await chat.post(update(), `${CANARY_WEBHOOK_SECRET}x`)).toMatchObject({ status: 401 });
    expect(chat.bot.requests).toEqual([]);
  });

  it('refuses everything while no webhook secret is configured', async () => {
    await removeWebhookSecret();
    expect(await chat.post(chat.bot.receive({ chat: TELEGRAM_CHAT, text: '/status' }))).toMatchObject({
      status: 401,
    });
    expect(chat.bot.requests).toEqual([]);
  });

  it('answers another chat 200 {} and sends nothing, to it or to anyone', async () => {
    for (const text of ['/status', '/login', '/renew', '/pin H92GX', '/help', 'H92GX', 'hello']) {
      const answer = await chat.post(chat.bot.receive({ chat: STRANGER_CHAT, text }));
      expect(answer).toMatchObject({ status: 200, body: {} });
    }
    expect(chat.bot.requests).toEqual([]);
  });

  it('/status: each connection in the trader’s words, escaped; a login button for the one that needs it', async () => {
    const trader = await chat.fx.signIn();
    expect((await chat.fx.renew(trader)).status).toBe(200);
    const mark = chat.mark();
    await chat.say('/status');
    expect(withoutTokens(chat.callsSince(mark))).toEqual([
      {
        method: 'sendMessage',
        body: {
          chat_id: TELEGRAM_CHAT,
          text: [
            '📊 <b>E*TRADE tokens</b>',
            'Live &lt;IRA&gt; &amp; &quot;Joint&quot;: active.',
            'Sandbox: no token yet — log in.',
            'Tokens end at midnight ET, in 15 h 30 min.',
            'Next morning reminder: Friday, November 27, 8:30 AM ET.',
            'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
            'The button works once, until 9:00 AM ET; /renew gives a new one.',
          ].join('\n'),
          ...HTML,
          disable_notification: true,
          reply_markup: {
            inline_keyboard: [[{ text: 'Log in to E*TRADE (Sandbox)', url: `${PUBLIC_PAGE}/renew?t=…` }]],
          },
        },
      },
    ]);
  });

  it('/login: a sign-in link on a button, stating until when; once a minute, shared with the page’s button', async () => {
    await chat.say('/login@etrade_token_bot');
    const [message] = sent() as { reply_markup: { inline_keyboard: { text: string; url: string }[][] } }[];
    expect(withoutTokens(message)).toEqual({
      chat_id: TELEGRAM_CHAT,
      text: '🔑 <b>Sign in to the E*TRADE token page</b>\nThis link works once, until 9:00 AM ET.',
      ...HTML,
      disable_notification: false,
      reply_markup: { inline_keyboard: [[{ text: 'Open the token page', url: `${PUBLIC_PAGE}/login?t=…` }]] },
    });
    // The link signs in, once.
    const token = new URL(message.reply_markup.inline_keyboard[0][0].url).searchParams.get('t');
    expect((await chat.fx.call('actions', '/api/login', { body: { token } })).status).toBe(200);
    expect((await chat.fx.call('actions', '/api/login', { body: { token } })).status).toBe(401);

    // 13 s later, from the chat or the page: no second link within the minute.
    chat.world.advance(13_000);
    await chat.say('/login');
    expect(chat.last().text).toBe(
      [
        '⏳ A sign-in link went out less than a minute ago',
        'Use that one, or send /login again from 8:31 AM ET.',
      ].join('\n'),
    );
    expect((await chat.fx.call('actions', '/login-link', { body: {} })).status).toBe(202);
    expect(chat.world.notices.ofKind('login.link')).toEqual([]); // the page's button: limited too
    expect(sent().filter((m) => String(m.text).startsWith('🔑'))).toHaveLength(1);
    chat.world.advance(47_000);
    await chat.say('/login');
    expect(chat.last().text.split('\n')[0]).toBe('🔑 Sign in to the E*TRADE token page');
  });

  it('/renew: a button for each connection that needs a login, or the one asked for, or why none', async () => {
    await chat.say('/renew');
    expect(chat.last().text.split('\n')).toEqual([
      '🔑 Log in to E*TRADE',
      'Live <IRA> & "Joint": no token yet.',
      'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
      'The button works once, until 9:00 AM ET; /renew gives a new one.',
    ]);
    expect(chat.last().buttons.map((b) => b.text)).toEqual(['Log in to E*TRADE (Live <IRA> & "Joint")']);

    await chat.say('/renew SANDBOX');
    expect(chat.last().buttons.map((b) => b.text)).toEqual(['Log in to E*TRADE (Sandbox)']);

    await chat.say('/renew <b>x</b>');
    expect(chat.last().text.split('\n')).toEqual([
      '🔑 No such connection',
      'There is no connection “<b>x</b>”. Connections: prod (Live <IRA> & "Joint"), sandbox.',
    ]);

    const trader = await chat.fx.signIn();
    expect((await chat.fx.renew(trader)).status).toBe(200);
    await chat.say('/renew');
    expect(chat.last()).toMatchObject({
      text: [
        '🔑 Nothing to renew',
        'Every token is live; keep-alive keeps it so until midnight ET.',
        'To log in again anyway: /renew prod',
      ].join('\n'),
      buttons: [],
    });
  });

  it('an unknown command gets a short help, the command escaped; plain text gets nothing', async () => {
    await chat.say('/<b>bold</b>&co');
    await chat.say('just chatting');
    expect(sent().map((m) => m.text)).toEqual([
      [
        '❔ <b>Unknown command /&lt;b&gt;bold&lt;/b&gt;&amp;co</b>',
        '/status — every connection’s token, and a button for each that needs a login',
        '/renew [connection] — a button to log in to E*TRADE again',
        '/login — a sign-in link to the token page',
        '/pin CODE [connection] — a code from E*TRADE (pasting the code alone works too)',
      ].join('\n'),
    ]);
  });

  it('a redelivered update (same update_id) is answered once', async () => {
    const update = chat.bot.receive({ chat: TELEGRAM_CHAT, text: '/help' });
    await chat.post(update);
    await chat.post(update);
    expect(sent()).toHaveLength(1);
  });

  it('edits, callbacks and malformed updates are acknowledged and ignored', async () => {
    const tg = { id: Number(TELEGRAM_CHAT), type: 'supergroup' };
    for (const body of [
      { update_id: 1, edited_message: { message_id: 1, chat: tg, text: '/login' } },
      { update_id: 2, callback_query: { id: 'x', data: '/login' } },
      { update_id: 'three', message: { message_id: 3, chat: tg, text: '/login' } },
      { update_id: 4, message: { message_id: 4, chat: { id: 'not-a-number' }, text: '/login' } },
      { update_id: 5, message: { chat: tg, text: '/login' } },
      {},
    ]) {
      expect(await chat.post(body)).toMatchObject({ status: 200, body: {} });
    }
    expect(chat.bot.requests).toEqual([]);
  });

  it('a Bot API failure while replying is logged (no token) and still answered 200', async () => {
    chat.bot.failWith(500, 'Internal Server Error');
    expect(await chat.post(chat.bot.receive({ chat: TELEGRAM_CHAT, text: '/status' }))).toMatchObject({
      status: 200,
      body: {},
    });
    const failed = chat.world.logs
      .map((line) => JSON.parse(line))
      .filter((e) => e.message === 'telegram.command_failed');
    expect(failed).toEqual([
      expect.objectContaining({ command: '/status', code: 'ERR_CHANNEL_UNAVAILABLE' }),
    ]);
    expect(chat.world.logs.join('\n')).not.toContain(CANARY_BOT_SECRET_PART);
    expect(chat.world.logs.join('\n')).not.toContain(CANARY_WEBHOOK_SECRET);
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

  it('{"stage":"escalation"} delivered twice sends one escalation, its button a sign-in link with the renewal ready', async () => {
    expect(await fx.deliver('morningAlert', { stage: 'escalation' }, 'esc-1')).toBe(204);
    expect(await fx.deliver('morningAlert', { stage: 'escalation' }, 'esc-1')).toBe(204);
    const escalations = world.notices.ofKind('morning.escalation');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ title: 'E*TRADE not renewed: the market opens in 15 min' });
    expect(escalations[0].link?.url).toMatch(/\/login\?t=[\w-]+\.[\w-]+&renew=prod$/);
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

  it('a run by hand sends whatever the time, each time; {"force": false} keeps the scheduled rules', async () => {
    const trader = await fx.signIn();
    world.etrade.now = Date.parse('2026-11-25T19:00:00Z'); // 14:00 EST, long after the window
    const run = (body: object) => fx.call('actions', '/cron/morning-alert', { body, credentials: trader });
    expect(await run({})).toMatchObject({ status: 200, body: { sent: true, reason: 'sent' } });
    expect(await run({})).toMatchObject({ status: 200, body: { sent: true, reason: 'sent' } });
    expect(await run({ force: false })).toMatchObject({
      status: 200,
      body: { sent: false, reason: 'outside-window' },
    });
    expect(await run({ force: 'yes' })).toMatchObject({
      status: 400,
      body: { error: { code: 'ERR_BAD_REQUEST' } },
    });
    expect(world.notices.ofKind('morning.reminder')).toHaveLength(2);
    // The scheduled run the same day would not repeat it: the manual run took the day's marker.
    world.etrade.now = Date.parse('2026-11-25T13:30:00Z');
    expect(await fx.deliver('morningAlert', {})).toBe(204);
    expect(world.notices.ofKind('morning.reminder')).toHaveLength(2);
    // Thanksgiving: nothing to remind of, by hand or not.
    world.etrade.now = Date.parse('2026-11-26T14:00:00Z');
    Object.assign(trader, await fx.signIn());
    expect(await run({})).toMatchObject({ status: 200, body: { sent: false, reason: 'not-trading-day' } });
  });
});
