import { TELEGRAM_CHAT } from '../support/canaries';
import { ChatWorld, PUBLIC_PAGE, withoutTokens } from '../support/chatWorld';
import { loginAndReadPin } from '../support/simulatedEtrade';
import { forEachTimeZone } from '../support/timeZones';

const MINUTE = 60_000;
const RENEW = `Log in to E*TRADE (Live) → ${PUBLIC_PAGE}/renew?t=…`;

/**
 * One Bot API call, checked whole: every call goes to the configured chat, every text is HTML with
 * previews off; what is left (text, buttons, sound, the message edited or deleted) is returned in a
 * form a week of them can be read in, with each button's single-use token written as `…`.
 */
function call({ method, body }: { method: string; body: Record<string, unknown> }) {
  const {
    chat_id,
    parse_mode,
    link_preview_options,
    text,
    reply_markup,
    disable_notification,
    message_id,
    ...rest
  } = withoutTokens(body) as Record<string, unknown>;
  expect(rest).toEqual({});
  expect(chat_id).toBe(TELEGRAM_CHAT);
  if (method !== 'deleteMessage') {
    expect({ parse_mode, link_preview_options }).toEqual({
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  }
  const rows = (reply_markup as { inline_keyboard?: { text: string; url: string }[][] } | undefined)
    ?.inline_keyboard;
  const buttons = rows?.map(([button]) => `${button.text} → ${button.url}`);
  switch (method) {
    case 'sendMessage':
      return { send: String(text).split('\n'), ...(buttons && { buttons }), silent: disable_notification };
    case 'editMessageText':
      return { edit: message_id, text: String(text).split('\n'), ...(buttons && { buttons }) };
    case 'deleteMessage':
      return { delete: message_id };
    default:
      throw new Error(`unexpected Bot API method ${method}`);
  }
}

/**
 * Issue 17's proof: every notice kind, as the Bot API receives it, with the clock moved across a
 * trading week: the morning reminder (and the weekly key warning), the escalation, a renewal from the
 * chat, keep-alive's quiet hours, a failure streak and its recovery, a death, a failed renewal, the
 * page's renewal settling the chat's alerts, /status and /login, a holiday with nothing, and the early
 * close. Each step lists exactly the calls it made, in order.
 */
forEachTimeZone(() => {
  describe('a trading week in the Telegram chat, call by call', () => {
    let chat: ChatWorld;
    afterEach(() => chat?.close());

    it('Wednesday to Friday around Thanksgiving 2026', async () => {
      chat = await ChatWorld.start('2026-11-25T13:30:00Z', {
        env: {
          ETRADE_CONNECTIONS: JSON.stringify([
            { id: 'prod', environment: 'prod', label: 'Live', consumerKeyCreatedAt: '2024-12-20' },
          ]),
        },
      });
      const sim = chat.world.etrade.sim;
      const at = (iso: string) => (chat.world.etrade.now = Date.parse(iso));
      const steps: Record<string, unknown[]> = {};
      const step = async (name: string, run: () => Promise<unknown>) => {
        const mark = chat.mark();
        await run();
        steps[name] = chat.callsSince(mark).map(call);
      };
      /** Every 15 minutes, as Cloud Scheduler ticks keepAlive, from `from` to `to` (UTC, inclusive). */
      const keepAliveTicks = async (from: string, to: string) => {
        for (let t = Date.parse(from); t <= Date.parse(to); t += 15 * MINUTE) {
          chat.world.etrade.now = t;
          expect(await chat.fx.deliver('keepAlive', {})).toBe(204);
        }
      };

      // Wednesday 08:30 EST.
      await step('Wed 08:30 reminder', () => chat.fx.deliver('morningAlert', {}));
      at('2026-11-25T14:15:00Z');
      await step('Wed 09:15 escalation', () => chat.fx.deliver('morningAlert', { stage: 'escalation' }));
      at('2026-11-25T14:20:00Z');
      const escalation = chat.last();
      await step('Wed 09:20 the code pasted after the escalation’s button', async () => {
        const tapped = await chat.tap(escalation.buttons[0].url);
        const pin = await loginAndReadPin(tapped.headers.get('location')!);
        chat.world.advance(MINUTE);
        await chat.say(pin);
      });
      // Issued 09:21: keep-alive is due at 10:51 and touches it at 11:00; nothing to tell anyone.
      await step('Wed 09:30–12:15 keep-alive, quiet', () =>
        keepAliveTicks('2026-11-25T14:30:00Z', '2026-11-25T17:15:00Z'),
      );
      // E*TRADE answers 503 from 12:30 (due again 12:30, 90 min after 11:00's call).
      sim.inject({ kind: 'status', status: 503, times: Infinity, path: /^\/v1\// });
      await step('Wed 12:30–12:45 two failures: no message yet', () =>
        keepAliveTicks('2026-11-25T17:30:00Z', '2026-11-25T17:45:00Z'),
      );
      await step('Wed 13:00 the third failure, the token idle since 13:00', () =>
        keepAliveTicks('2026-11-25T18:00:00Z', '2026-11-25T18:00:00Z'),
      );
      await step('Wed 13:15 still failing: no second warning', () =>
        keepAliveTicks('2026-11-25T18:15:00Z', '2026-11-25T18:15:00Z'),
      );
      sim.clearFaults();
      await step('Wed 13:30 E*TRADE answers: revived and recovered', () =>
        keepAliveTicks('2026-11-25T18:30:00Z', '2026-11-25T18:30:00Z'),
      );
      // Due 15:00; E*TRADE has ended the token.
      sim.inject({ kind: 'problem', problem: 'token_rejected', times: Infinity, path: /^\/v1\// });
      await step('Wed 14:45–15:15 the death, told once', () =>
        keepAliveTicks('2026-11-25T19:45:00Z', '2026-11-25T20:15:00Z'),
      );
      sim.clearFaults();
      const death = chat.last();
      at('2026-11-25T20:20:00Z');
      const trader = await chat.fx.signIn();
      sim.inject({ kind: 'status', status: 503, times: Infinity, path: '/oauth/access_token' });
      await step('Wed 15:20 a renewal on the page that E*TRADE fails', async () => {
        expect((await chat.fx.renew(trader)).status).toBe(503);
      });
      sim.clearFaults();
      const failure = chat.last();
      await step('Wed 15:21 renewed on the page: the chat’s open alerts settle', async () => {
        chat.world.advance(MINUTE);
        expect((await chat.fx.renew(trader)).status).toBe(200);
      });
      at('2026-11-25T21:00:00Z');
      await step('Wed 16:00 /status and /login', async () => {
        await chat.say('/status');
        await chat.say('/login');
      });
      // Thanksgiving: the scheduler fires; nothing is said. The token died at midnight.
      await step('Thu (holiday) 08:30, 09:15 and keep-alive', async () => {
        at('2026-11-26T13:30:00Z');
        await chat.fx.deliver('morningAlert', {});
        at('2026-11-26T14:15:00Z');
        await chat.fx.deliver('morningAlert', { stage: 'escalation' });
        await keepAliveTicks('2026-11-26T14:30:00Z', '2026-11-26T15:30:00Z');
      });
      at('2026-11-27T13:30:00Z');
      await step('Fri 08:30 reminder, early close', () => chat.fx.deliver('morningAlert', {}));

      const how = ['Tap the button, log in to E*TRADE, then paste the 5-character code here.'];
      expect(steps).toEqual({
        'Wed 08:30 reminder': [
          {
            send: [
              '⏰ <b>Renew E*TRADE before the open</b>',
              'The market opens at 9:30 AM ET today, Wednesday, November 25.',
              'Live: no token yet.',
              ...how,
              'The button works once, until 9:00 AM ET; /renew gives a new one.',
            ],
            buttons: [RENEW],
            silent: false,
          },
          {
            send: [
              '🗝️ <b>Live: consumer key is near its 2-year lapse</b>',
              'The consumer key is 23 months old; E*TRADE stops accepting keys about 2 years after issue (around December 20, 2026).',
              'Request a new key from E*TRADE, store it in the secret etrade-oauth-prod-consumer, then set consumerKeyCreatedAt; renewing the token cannot help.',
            ],
            silent: false,
          },
        ],
        'Wed 09:15 escalation': [
          {
            send: [
              '🚨 <b>E*TRADE NOT RENEWED: THE MARKET OPENS IN 15 MIN</b>',
              'The market opens at 9:30 AM ET; the trading system cannot trade until someone logs in.',
              'Live: no token yet.',
              ...how,
              'The button works once, until 9:45 AM ET; /renew gives a new one.',
            ],
            buttons: [RENEW],
            silent: false,
          },
        ],
        'Wed 09:20 the code pasted after the escalation’s button': [
          { delete: 4 },
          {
            send: [
              '✅ <b>Live: token renewed</b>',
              'Valid until midnight ET tonight; keep-alive keeps it active until then.',
              '2 open accounts; for support: generation 1.',
            ],
            silent: true,
          },
          {
            edit: 1,
            text: [
              '✅ <b>Nothing to do: renewed</b>',
              '✅ Live: renewed at 9:21 AM ET, valid until midnight ET tonight.',
              '(This alert said: Renew E*TRADE before the open.)',
            ],
          },
          {
            edit: 3,
            text: [
              '✅ <b>Nothing to do: renewed</b>',
              '✅ Live: renewed at 9:21 AM ET, valid until midnight ET tonight.',
              '(This alert said: E*TRADE not renewed: the market opens in 15 min.)',
            ],
          },
        ],
        'Wed 09:30–12:15 keep-alive, quiet': [],
        'Wed 12:30–12:45 two failures: no message yet': [],
        'Wed 13:00 the third failure, the token idle since 13:00': [
          {
            send: [
              '⚠️ <b>Live: keep-alive failing</b>',
              '3 keep-alive runs in a row failed; the token has been idle since 1:00 PM ET, so trading calls fail until one works.',
              'E*TRADE is not responding right now. Nothing to do yet: keep-alive tries again every 15 minutes and revives an idle token by itself; you get a message when it works.',
              'Code for support: ERR_TRANSIENT.',
            ],
            silent: false,
          },
        ],
        'Wed 13:15 still failing: no second warning': [],
        'Wed 13:30 E*TRADE answers: revived and recovered': [
          {
            send: [
              '🟢 <b>Live: keep-alive recovered</b>',
              'Keep-alive revived the idle token after 4 failed runs; nothing to do.',
            ],
            silent: true,
          },
        ],
        'Wed 14:45–15:15 the death, told once': [
          {
            send: [
              '🛑 <b>Live: E*TRADE ended the token early</b>',
              'E*TRADE refused the token at 3:00 PM ET, before its midnight expiry; keep-alive cannot bring it back.',
              'Trading on Live stops until you log in again.',
              ...how,
              'The button works once, until 3:30 PM ET; /renew gives a new one.',
              'Code for support: ERR_TOKEN_REJECTED.',
            ],
            buttons: [RENEW],
            silent: false,
          },
        ],
        'Wed 15:20 a renewal on the page that E*TRADE fails': [
          {
            send: [
              '❌ <b>Live: renewal failed</b>',
              'E*TRADE did not exchange the code for a token.',
              'E*TRADE is not responding right now. Try again shortly.',
              'The previous token, if any, is still the current one.',
              ...how,
              'The button works once, until 3:50 PM ET; /renew gives a new one.',
              'Code for support: ERR_TRANSIENT.',
            ],
            buttons: [RENEW],
            silent: false,
          },
        ],
        'Wed 15:21 renewed on the page: the chat’s open alerts settle': [
          {
            send: [
              '✅ <b>Live: token renewed</b>',
              'Valid until midnight ET tonight; keep-alive keeps it active until then.',
              '2 open accounts; for support: generation 2.',
            ],
            silent: true,
          },
          {
            edit: death.messageId,
            text: [
              '✅ <b>Nothing to do: renewed</b>',
              '✅ Live: renewed at 3:21 PM ET, valid until midnight ET tonight.',
              '(This alert said: Live: E*TRADE ended the token early.)',
            ],
          },
          {
            edit: failure.messageId,
            text: [
              '✅ <b>Nothing to do: renewed</b>',
              '✅ Live: renewed at 3:21 PM ET, valid until midnight ET tonight.',
              '(This alert said: Live: renewal failed.)',
            ],
          },
        ],
        'Wed 16:00 /status and /login': [
          {
            send: [
              '📊 <b>E*TRADE tokens</b>',
              'Live: active; consumer key 23 months old.',
              'Sandbox: no token yet — log in.',
              'Tokens end at midnight ET, in 8 h 0 min.',
              'Next morning reminder: Friday, November 27, 8:30 AM ET.',
              ...how,
              'The button works once, until 4:30 PM ET; /renew gives a new one.',
            ],
            buttons: [`Log in to E*TRADE (Sandbox) → ${PUBLIC_PAGE}/renew?t=…`],
            silent: true,
          },
          {
            send: ['🔑 <b>Sign in to the E*TRADE token page</b>', 'This link works once, until 4:30 PM ET.'],
            buttons: [`Open the token page → ${PUBLIC_PAGE}/login?t=…`],
            silent: false,
          },
        ],
        'Thu (holiday) 08:30, 09:15 and keep-alive': [],
        'Fri 08:30 reminder, early close': [
          {
            send: [
              '⏰ <b>Renew E*TRADE before the open</b>',
              'The market opens at 9:30 AM ET today, Friday, November 27.',
              'Early close today: 1:00 PM ET.',
              'Live: the last token expired at midnight ET.',
              ...how,
              'The button works once, until 9:00 AM ET; /renew gives a new one.',
            ],
            buttons: [RENEW],
            silent: false,
          },
        ],
      });
      // The chat as it reads at the end of the week: no stale "renew now" above the newest reminder.
      expect(
        chat
          .chat()
          .filter((m) => m.buttons.length > 0)
          .map((m) => m.text.split('\n')[0]),
      ).toEqual([
        '📊 E*TRADE tokens',
        '🔑 Sign in to the E*TRADE token page',
        '⏰ Renew E*TRADE before the open',
      ]);
    });
  });
});
