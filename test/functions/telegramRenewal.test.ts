import { createLoginLink, createRenewLink } from '../../shared/auth';
import { MAX_PIN_ATTEMPTS } from '../../shared/pinflow/exchangePin';
import { TELEGRAM_CHAT } from '../support/canaries';
import { ChatWorld, PUBLIC_PAGE, STRANGER_CHAT, withoutTokens } from '../support/chatWorld';
import { LOGIN_LINK_KEY } from '../support/localWorld';
import { loginAndReadPin } from '../support/simulatedEtrade';

const MINUTE = 60_000;
/** Wednesday 2026-11-25, 08:30 EST: the morning reminder's time. */
const MORNING = '2026-11-25T13:30:00Z';
const HTML = { parse_mode: 'HTML', link_preview_options: { is_disabled: true } };
const RENEW_BUTTON = new RegExp(`^${PUBLIC_PAGE}/renew\\?t=[\\w-]+\\.[\\w-]+$`);

/**
 * Issue 12.1 end to end: the alert's "Log in to E*TRADE" button → GET /renew (requestToken) starts the
 * flow and answers 302 to E*TRADE's authorize page → the simulator's page gives the code → the code
 * pasted into the chat → telegramWebhook exchanges it (the same exchangePin as the page) → the chat
 * reads true: the code message deleted, the alert edited, the renewal announced. Every Bot API call
 * is asserted as Telegram would receive it.
 */
describe('renewing from the Telegram chat: button → E*TRADE → code in the chat', () => {
  let chat: ChatWorld;
  afterEach(() => chat?.close());

  /** The morning reminder, and the URL of its button for `label`. */
  async function reminder(label = 'Live') {
    expect(await chat.fx.deliver('morningAlert', {})).toBe(204);
    const alert = chat.last();
    const button = alert.buttons.find((b) => b.text === `Log in to E*TRADE (${label})`);
    if (!button) throw new Error(`no button for ${label}`);
    return { alert, url: button.url };
  }

  /** Taps a button and follows the 302 to the simulator's authorize page, which gives the code. */
  async function tapAndLogIn(url: string): Promise<string> {
    const tapped = await chat.tap(url);
    expect(tapped.status).toBe(302);
    const location = tapped.headers.get('location')!;
    expect(location).toMatch(/\/e\/t\/etws\/authorize\?key=canary-consumer-key&token=/);
    return loginAndReadPin(location);
  }

  const accessTokenCalls = () =>
    chat.world.etrade.sim.requests.filter((r) => r.path === '/oauth/access_token').length;

  it('tap, log in, paste: renewed; the code is deleted first, then the renewal announced and the alert edited', async () => {
    chat = await ChatWorld.start(MORNING);
    const { alert, url } = await reminder();
    expect(url).toMatch(RENEW_BUTTON);
    // The flow starts at the tap, not when the alert went out: E*TRADE's 5 minutes begin there.
    expect(chat.world.etrade.sim.requests.filter((r) => r.path === '/oauth/request_token')).toHaveLength(0);
    const pin = await tapAndLogIn(url);
    chat.world.advance(2 * MINUTE);

    const mark = chat.mark();
    const codeMessage = await chat.say(pin);
    expect(withoutTokens(chat.callsSince(mark))).toEqual([
      { method: 'deleteMessage', body: { chat_id: TELEGRAM_CHAT, message_id: codeMessage } },
      {
        method: 'sendMessage',
        body: {
          chat_id: TELEGRAM_CHAT,
          text: [
            '✅ <b>Live: token renewed</b>',
            'Valid until midnight ET tonight; keep-alive keeps it active until then.',
            '2 open accounts; for support: generation 1.',
          ].join('\n'),
          ...HTML,
          disable_notification: true,
        },
      },
      {
        method: 'editMessageText',
        body: {
          chat_id: TELEGRAM_CHAT,
          message_id: alert.messageId,
          text: [
            '✅ <b>Nothing to do: renewed</b>',
            '✅ Live: renewed at 8:32 AM ET, valid until midnight ET tonight.',
            '(This alert said: Renew E*TRADE before the open.)',
          ].join('\n'),
          ...HTML,
        },
      },
    ]);
    // The chat as it reads now: the alert, edited and without a button, and the renewal; no code.
    expect(chat.chat().map((m) => [m.messageId, m.text.split('\n')[0], m.buttons.length])).toEqual([
      [alert.messageId, '✅ Nothing to do: renewed', 0],
      [codeMessage + 1, '✅ Live: token renewed', 0],
    ]);
    expect(await chat.world.ctx.ledger.get('prod')).toMatchObject({ generation: 1 });
    expect(await chat.world.ctx.ledger.flowsOf(`telegram:${TELEGRAM_CHAT}`)).toEqual([]);
    // Renewed from the chat, announced once: the trader's other channel got the same one notice.
    expect(chat.world.notices.notices.map((n) => n.kind)).toEqual(['morning.reminder', 'renewal.succeeded']);
    expect(chat.world.logs.join('\n')).not.toContain(pin);
  });

  it('the morning reminder as Telegram receives it: one button, which works once, until 9:00 AM ET', async () => {
    chat = await ChatWorld.start(MORNING);
    const mark = chat.mark();
    await reminder();
    expect(withoutTokens(chat.callsSince(mark))).toEqual([
      {
        method: 'sendMessage',
        body: {
          chat_id: TELEGRAM_CHAT,
          text: [
            '⏰ <b>Renew E*TRADE before the open</b>',
            'The market opens at 9:30 AM ET today, Wednesday, November 25.',
            'Live: no token yet.',
            'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
            'The button works once, until 9:00 AM ET; /renew gives a new one.',
          ].join('\n'),
          ...HTML,
          disable_notification: false,
          reply_markup: {
            inline_keyboard: [[{ text: 'Log in to E*TRADE (Live)', url: `${PUBLIC_PAGE}/renew?t=…` }]],
          },
        },
      },
    ]);
  });

  it('a wrong code: "not accepted, 4 tries left", no "renewal failed"; the right one then renews', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    const wrong = pin === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ';

    const mark = chat.mark();
    const wrongMessage = await chat.say(wrong.toLowerCase());
    expect(withoutTokens(chat.callsSince(mark))).toEqual([
      { method: 'deleteMessage', body: { chat_id: TELEGRAM_CHAT, message_id: wrongMessage } },
      {
        method: 'sendMessage',
        body: {
          chat_id: TELEGRAM_CHAT,
          text: [
            '❌ <b>Code not accepted for Live</b>',
            'E*TRADE did not accept that PIN. Check it and try again.',
            'Live: 4 tries left.',
          ].join('\n'),
          ...HTML,
          disable_notification: true,
        },
      },
    ]);
    expect(chat.world.notices.ofKind('renewal.failed')).toEqual([]);
    expect(await chat.world.ctx.ledger.flowsOf(`telegram:${TELEGRAM_CHAT}`)).toMatchObject([{ attempts: 1 }]);

    await chat.say(pin);
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
    expect(chat.last().text.split('\n')[0]).toBe('✅ Live: token renewed');
  });

  it(`${MAX_PIN_ATTEMPTS} wrong codes use the login up: a new button`, async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    const wrong = pin === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ';
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) await chat.say(wrong);
    const spent = chat.last();
    expect(spent.text.split('\n')).toEqual([
      '❌ Code not accepted for Live',
      'E*TRADE did not accept that PIN. Check it and try again.',
      'Live: no tries left; log in again with the button.',
      'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
      'The button works once, until 9:00 AM ET; /renew gives a new one.',
    ]);
    expect(spent.buttons).toEqual([
      { text: 'Log in to E*TRADE (Live)', url: expect.stringMatching(RENEW_BUTTON) },
    ]);
    // Even the right code no longer fits that login; the new button's does.
    await chat.say(pin);
    expect(chat.last().text.split('\n')[0]).toBe('❌ Code not accepted for Live');
    await chat.say(await tapAndLogIn(spent.buttons[0].url));
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
  });

  it('after the 5-minute window: "tap the button again", with a new button that works', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    chat.world.advance(5 * MINUTE + 1000);

    const before = accessTokenCalls();
    await chat.say(pin);
    const closed = chat.last();
    expect(closed.text.split('\n')).toEqual([
      '⌛ The 5-minute window closed',
      'E*TRADE accepts a code for 5 minutes after the button is tapped. Tap the button again for a new code.',
      'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
      'The button works once, until 9:05 AM ET; /renew gives a new one.',
    ]);
    expect(accessTokenCalls()).toBe(before); // nothing was sent to E*TRADE for a closed window
    // Still answered so an hour later (the ledger keeps a closed login that long)...
    chat.world.advance(50 * MINUTE);
    await chat.say(pin);
    expect(chat.last().text.split('\n')[0]).toBe('⌛ The 5-minute window closed');
    // ...and the new button starts a new login.
    await chat.say(await tapAndLogIn(chat.last().buttons[0].url));
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
  });

  it('another chat, or a code with no login waiting: nothing happens, nothing is deleted', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    const mark = chat.mark();
    await chat.say(pin, { chat: STRANGER_CHAT });
    await chat.say(`/pin ${pin}`, { chat: STRANGER_CHAT });
    expect(chat.callsSince(mark)).toEqual([]);
    expect(await chat.world.ctx.ledger.flowsOf(`telegram:${TELEGRAM_CHAT}`)).toMatchObject([{ attempts: 0 }]);
    expect(chat.bot.chat(STRANGER_CHAT).map((m) => m.text)).toEqual([pin, `/pin ${pin}`]);

    // In the configured chat, five letters of chatter with no login of this chat waiting stay put.
    const idle = await ChatWorld.start(MORNING);
    try {
      const quiet = idle.mark();
      await idle.say('HELLO');
      expect(idle.callsSince(quiet)).toEqual([]);
      await idle.say('/pin HELLO');
      expect(idle.last().text.split('\n')[0]).toBe('❔ No E*TRADE login is waiting for a code');
    } finally {
      await idle.close();
    }
  });

  it('TELEGRAM_ALLOWED_USER_IDS: another member of the group cannot renew, the allowed one can', async () => {
    chat = await ChatWorld.start(MORNING, { env: { TELEGRAM_ALLOWED_USER_IDS: '42, 77' } });
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    const mark = chat.mark();
    await chat.say(pin, { from: 43 });
    await chat.say('/renew', { from: 43 });
    expect(chat.callsSince(mark)).toEqual([]);
    expect(chat.world.logs.filter((l) => l.includes('"reason":"other-user"'))).toHaveLength(2);
    await chat.say(pin, { from: 77 });
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
  });

  it('a button works once: a second tap, three at once, a replayed URL', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const taps = await Promise.all([chat.tap(url), chat.tap(url), chat.tap(url)]);
    expect(taps.map((t) => t.status).sort()).toEqual([302, 401, 401]);
    const refused = taps.find((t) => t.status === 401)!;
    expect(refused.body).toEqual({
      error: {
        code: 'ERR_RENEW_LINK_INVALID',
        message: 'This button is invalid, expired or already used. Send /renew in the chat for a new one.',
      },
    });
    expect(await chat.world.ctx.ledger.flowsOf(`telegram:${TELEGRAM_CHAT}`)).toHaveLength(1);
    expect((await chat.tap(url)).status).toBe(401);
    expect(await chat.world.ctx.ledger.flowsOf(`telegram:${TELEGRAM_CHAT}`)).toHaveLength(1);
  });

  it('forged, expired, other-chat and wrong-purpose buttons are refused alike, and start nothing', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const now = chat.world.ctx.clock.now();
    const token = new URL(url).searchParams.get('t')!;
    const [payload, mac] = token.split('.');
    const forged = `${Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), c: 'sandbox' }),
    ).toString('base64url')}.${mac}`;
    const otherChat = createRenewLink({
      key: LOGIN_LINK_KEY,
      pageUrl: PUBLIC_PAGE,
      chatId: String(STRANGER_CHAT),
      connectionId: 'prod',
      now,
    }).url;
    const signIn = new URL(createLoginLink({ key: LOGIN_LINK_KEY, pageUrl: PUBLIC_PAGE, now }).url);
    const requestTokens = () =>
      chat.world.etrade.sim.requests.filter((r) => r.path === '/oauth/request_token').length;
    for (const bad of [
      `${PUBLIC_PAGE}/renew?t=${forged}`,
      `${PUBLIC_PAGE}/renew?t=${payload}.${'A'.repeat(43)}`,
      otherChat,
      `${PUBLIC_PAGE}/renew?t=${signIn.searchParams.get('t')}`,
      `${PUBLIC_PAGE}/renew`,
    ]) {
      expect(await chat.tap(bad)).toMatchObject({
        status: 401,
        body: { error: { code: 'ERR_RENEW_LINK_INVALID' } },
      });
    }
    chat.world.advance(30 * MINUTE);
    expect((await chat.tap(url)).status).toBe(401); // 09:00: past the time the message gave
    expect(requestTokens()).toBe(0);
    const reasons = chat.world.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.message === 'auth.renew_link_refused')
      .map((e) => e.reason);
    expect(reasons).toEqual([
      'bad_signature',
      'bad_signature',
      'other_chat',
      'bad_signature',
      'malformed',
      'expired',
    ]);
    expect(chat.world.logs.join('\n')).not.toContain(token);
  });

  it('a flow E*TRADE cannot start gives the button back: the same tap works once E*TRADE answers', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    chat.world.etrade.sim.inject({
      kind: 'status',
      status: 503,
      times: Infinity,
      path: '/oauth/request_token',
    });
    expect((await chat.tap(url)).status).toBe(503);
    chat.world.etrade.sim.clearFaults();
    await chat.say(await tapAndLogIn(url));
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
  });

  it('two connections, one message with a button each; one paste renews the one the code is for, and says so', async () => {
    chat = await ChatWorld.start(MORNING, {
      connections: [{ id: 'ira', environment: 'prod', label: 'IRA' }],
    });
    const { alert } = await reminder();
    expect(alert.text.split('\n')).toEqual([
      '⏰ Renew E*TRADE before the open',
      'The market opens at 9:30 AM ET today, Wednesday, November 25.',
      'Live: no token yet.',
      'IRA: no token yet.',
      'Tap a button, log in to E*TRADE, then paste the 5-character code here.',
      'Each button works once, until 9:00 AM ET; /renew gives new ones.',
    ]);
    expect(alert.buttons.map((b) => b.text)).toEqual(['Log in to E*TRADE (Live)', 'Log in to E*TRADE (IRA)']);
    // Both tapped, Live first: its code is pasted after IRA's login started (IRA's is the newest).
    const livePin = await tapAndLogIn(alert.buttons[0].url);
    chat.world.advance(MINUTE);
    const iraPin = await tapAndLogIn(alert.buttons[1].url);

    const mark = chat.mark();
    await chat.say(livePin);
    const calls = withoutTokens(chat.callsSince(mark));
    expect(calls.map((c) => c.method)).toEqual([
      'deleteMessage',
      'sendMessage',
      'editMessageText',
      'sendMessage',
    ]);
    expect(calls[2].body).toMatchObject({
      message_id: alert.messageId,
      text: [
        '⏰ <b>Renew E*TRADE before the open</b>',
        'The market opens at 9:30 AM ET today, Wednesday, November 25.',
        '✅ Live: renewed at 8:31 AM ET, valid until midnight ET tonight.',
        'IRA: no token yet.',
        'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
        'The button works once, until 9:00 AM ET; /renew gives a new one.',
      ].join('\n'),
      reply_markup: {
        inline_keyboard: [[{ text: 'Log in to E*TRADE (IRA)', url: `${PUBLIC_PAGE}/renew?t=…` }]],
      },
    });
    expect(calls[3].body.text).toBe(
      ['✅ <b>Code accepted for Live</b>', 'IRA still waits for its code, until 8:36 AM ET.'].join('\n'),
    );
    // The newest (IRA's) was tried first and spent a try; Live's took the code.
    expect(await chat.world.ctx.ledger.flowsOf(`telegram:${TELEGRAM_CHAT}`)).toMatchObject([
      { connectionId: 'ira', attempts: 1 },
    ]);

    await chat.say(iraPin);
    expect((await chat.world.ctx.ledger.getMany(['prod', 'ira'])).map((r) => r.generation)).toEqual([1, 1]);
    expect(chat.bot.message(TELEGRAM_CHAT, alert.messageId)).toMatchObject({
      text: [
        '✅ Nothing to do: renewed',
        '✅ Live: renewed at 8:31 AM ET, valid until midnight ET tonight.',
        '✅ IRA: renewed at 8:31 AM ET, valid until midnight ET tonight.',
        '(This alert said: Renew E*TRADE before the open.)',
      ].join('\n'),
      buttons: [],
    });
  });

  it('/pin CODE connection picks the login; /pin with something that is not a code says so', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    await chat.say('/pin 12');
    expect(chat.last().text.split('\n')).toEqual([
      '❔ That is not a code',
      'A PIN is 5 letters or digits, e.g. H92GX. Check it and try again.',
    ]);
    await chat.say(`/pin ${pin} sandbox`);
    expect(chat.last().text.split('\n')[0]).toBe('❔ No E*TRADE login is waiting for a code');
    const mark = chat.mark();
    await chat.say(`/pin@etrade_token_bot ${pin} live`);
    expect(chat.callsSince(mark)[0].method).toBe('deleteMessage');
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
  });

  it('Telegram redelivering the code message exchanges it once', async () => {
    chat = await ChatWorld.start(MORNING);
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    const update = chat.bot.receive({ chat: TELEGRAM_CHAT, text: pin });
    const before = accessTokenCalls();
    await Promise.all([chat.post(update), chat.post(update)]);
    await chat.post(update);
    expect(accessTokenCalls()).toBe(before + 1);
    expect(
      chat.bot.calls('sendMessage').filter((b) => String(b.text).includes('token renewed')),
    ).toHaveLength(1);
  });

  it('a group where the bot may not delete messages: the reply asks the trader to delete the code', async () => {
    chat = await ChatWorld.start(MORNING, { deleteRights: false });
    const { url } = await reminder();
    const pin = await tapAndLogIn(url);
    await chat.say(pin);
    expect(chat.chat().map((m) => m.text.split('\n')[0])).toEqual([
      '✅ Nothing to do: renewed',
      pin,
      '✅ Live: token renewed',
      '✅ Code accepted for Live',
    ]);
    expect(chat.last().text).toContain('Delete your message with the code yourself');
    expect(chat.world.logs.some((l) => l.includes('"telegram.code_not_deleted"'))).toBe(true);
  });

  it('an alert someone deleted in the chat is forgotten; the renewal goes through all the same', async () => {
    chat = await ChatWorld.start(MORNING);
    const { alert, url } = await reminder();
    chat.bot.deleteInApp(TELEGRAM_CHAT, alert.messageId);
    await chat.say(await tapAndLogIn(url));
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
    expect(chat.bot.calls('editMessageText')).toHaveLength(1); // tried once: "message to edit not found"
    expect(
      await chat.world.ctx.ledger.chatAlertsAbout(TELEGRAM_CHAT, 'prod', chat.world.ctx.clock.now()),
    ).toEqual([]);
  });

  it('renewed on the page instead: the chat’s alert is edited all the same', async () => {
    chat = await ChatWorld.start(MORNING);
    const { alert } = await reminder();
    const trader = await chat.fx.signIn();
    expect((await chat.fx.renew(trader)).status).toBe(200);
    expect(chat.bot.message(TELEGRAM_CHAT, alert.messageId)?.text.split('\n')[0]).toBe(
      '✅ Nothing to do: renewed',
    );
  });

  it('locally (http://127.0.0.1) the buttons come as text, and the link in it works', async () => {
    chat = await ChatWorld.start(MORNING, { env: { PAGE_URL: 'http://127.0.0.1:8080' } });
    expect(await chat.fx.deliver('morningAlert', {})).toBe(204);
    const alert = chat.last();
    expect(alert.buttons).toEqual([]);
    const lines = alert.text.split('\n');
    expect(lines.slice(-2, -1)).toEqual([
      'Local mode: Telegram does not take buttons to http://127.0.0.1:8080, so the links are below as text; open them on this computer.',
    ]);
    const link = /^Log in to E\*TRADE \(Live\): (http:\/\/127\.0\.0\.1:8080\/renew\?t=\S+)$/.exec(
      lines.at(-1)!,
    )?.[1];
    expect(link).toBeDefined();
    await chat.say(await tapAndLogIn(link!));
    expect((await chat.world.ctx.ledger.get('prod')).generation).toBe(1);
    // The edit is text too: no button was ever refused.
    expect(chat.bot.message(TELEGRAM_CHAT, alert.messageId)?.text.split('\n')[0]).toBe(
      '✅ Nothing to do: renewed',
    );
  });
});
