import type { Message } from '@google-cloud/pubsub';
import type { Notice } from '../../shared/ports/notifier';
import { CANARY_BOT_TOKEN, CANARY_WEBHOOK_SECRET, TELEGRAM_CHAT } from '../support/canaries';
import type { Answer } from '../support/functionsHarness';
import { LOGIN_LINK_KEY } from '../support/localWorld';
import { RecordingNotifier } from '../support/recordingNotifier';
import { CANARY_CONSUMER, loginAndReadPin } from '../support/simulatedEtrade';
import { World, startGcpBackbone, type StartedBackbone } from './support/world';

const MINUTE = 60_000;
const WEBHOOK_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Secret canaries: the whole flow on the GCP composition with Telegram, every secret recognisable,
 * and every place a secret could leak captured: log lines, anything written to stdout/stderr, HTTP
 * responses (bodies and headers, except the session cookie, which is the session itself), Pub/Sub
 * messages as a subscriber receives them, notices (as handed to the channel, and as the Bot API
 * received them, except the bot token in the request path, which is how the Bot API works).
 */
describe('secret canaries through the whole flow', () => {
  let backbone: StartedBackbone;
  let world: World;
  const received: Message[] = [];
  const written: string[] = [];
  const answers: Answer[] = [];
  const notices = new RecordingNotifier();
  /** E*TRADE-issued values, collected as the flow goes: access pairs and the request-token secret. */
  const issued = new Set<string>();
  /** The renew button's signed token and the code pasted into the chat. */
  const chatSecrets = new Set<string>();
  let closeSubscription: () => Promise<void>;

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    }
    backbone = await startGcpBackbone();
    const [subscription] = await backbone.direct
      .topic(backbone.topic)
      .createSubscription(`${backbone.topic}-canaries`);
    subscription.on('message', (message: Message) => {
      received.push(message);
      message.ack();
    });
    closeSubscription = () => subscription.close();
    world = await World.gcp(backbone, { startAt: '2026-11-24T15:00:00Z', telegram: true });
    // Every HTTP answer the functions give, kept for the leak check.
    const call = world.fx.call.bind(world.fx);
    jest.spyOn(world.fx, 'call').mockImplementation(async (...args) => {
      const answer = await call(...args);
      answers.push(answer);
      return answer;
    });
    // The notices exactly as the Telegram channel is handed them (the recorder of this composition).
    const telegram = world.ctx.telegram!;
    const send = telegram.send.bind(telegram);
    jest.spyOn(telegram, 'send').mockImplementation(async (notice: Notice) => {
      await notices.send(notice);
      return send(notice);
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await closeSubscription();
    await world.close();
    await backbone.close();
  });

  async function rememberStoredPair(): Promise<void> {
    const stored = await world.ctx.vault.readTokenPair('prod');
    issued.add(stored!.pair.token);
    issued.add(stored!.pair.secret);
  }

  /** requestToken, the request-token secret read from the flow document, the PIN, exchangePin. */
  async function renewThroughFunctions(typed = (pin: string) => pin): Promise<Answer> {
    const { flowId, pin } = await world.startFlow();
    const flow = await backbone.firestore.collection(`${world.collectionPrefix}pinFlows`).doc(flowId).get();
    issued.add(String(flow.get('requestSecret')));
    return world.exchange({ flowId, pin: typed(pin) });
  }

  function telegramUpdate(updateId: number, text: string): Promise<Answer> {
    return world.fx.call('telegramWebhook', '/', {
      headers: { [WEBHOOK_SECRET_HEADER]: CANARY_WEBHOOK_SECRET },
      body: {
        update_id: updateId,
        message: {
          message_id: updateId,
          date: 1764077400,
          chat: { id: Number(TELEGRAM_CHAT), type: 'supergroup' },
          text,
        },
      },
    });
  }

  it('walks the flow: renewals, status, keep-alive, force, morning alert, Telegram commands, failures', async () => {
    const trader = () => world.trader;
    // Tuesday 10:00 ET: sign in (done by the world), renew, look, report usage with the API key.
    expect((await renewThroughFunctions()).status).toBe(200);
    await rememberStoredPair();
    expect((await world.fx.call('status', '/status', { credentials: trader() })).status).toBe(200);
    const machine = { bearer: world.api.apiKey };
    expect((await world.fx.call('status', '/keepalive/status', { credentials: machine })).status).toBe(200);
    expect(
      (await world.fx.call('actions', '/touch', { body: { connection: 'prod' }, credentials: machine }))
        .status,
    ).toBe(200);

    // Idle after two hours: a scheduled tick renews it; a manual run touches it.
    world.advance(121 * MINUTE);
    expect(await world.fx.deliver('keepAlive', {})).toBe(204);
    expect(
      (await world.fx.call('actions', '/keepalive/force', { body: {}, credentials: trader() })).status,
    ).toBe(200);

    // Wednesday 08:30 ET: the token expired at midnight; the reminder goes out on Telegram.
    world.at('2026-11-25T13:30:00Z');
    await world.signIn();
    expect(await world.fx.deliver('morningAlert', {})).toBe(204);
    expect((await telegramUpdate(1, '/status')).status).toBe(200);
    expect((await telegramUpdate(2, '/login')).status).toBe(200);
    // The page's button within the same minute: one link a minute, whoever asks.
    expect((await world.fx.call('actions', '/login-link', { body: {} })).status).toBe(202);

    // Renewed from the chat: the reminder's button, E*TRADE's page, the code pasted into the chat.
    const reminder = world.bot!.sent().find((body) => String(body.text).startsWith('⏰')) as {
      reply_markup: { inline_keyboard: { url: string }[][] };
    };
    const button = new URL(reminder.reply_markup.inline_keyboard[0][0].url);
    chatSecrets.add(button.searchParams.get('t')!);
    const tapped = await world.fx.call('requestToken', `${button.pathname}${button.search}`, {
      redirect: 'manual',
    });
    expect(tapped.status).toBe(302);
    const flows = await backbone.firestore.collection(`${world.collectionPrefix}pinFlows`).get();
    flows.docs.forEach((doc) => issued.add(String(doc.get('requestSecret'))));
    const pin = await loginAndReadPin(tapped.headers.get('location')!);
    chatSecrets.add(pin);
    const pasted = world.bot!.receive({ chat: TELEGRAM_CHAT, text: pin });
    const answered = await world.fx.call('telegramWebhook', '/', {
      headers: { [WEBHOOK_SECRET_HEADER]: CANARY_WEBHOOK_SECRET },
      body: pasted,
    });
    expect(answered.status).toBe(200);
    expect((await world.ctx.ledger.get('prod')).generation).toBe(2);
    await rememberStoredPair();

    // Wrong codes, as E*TRADE answers them (token_rejected) and as a bare 401: 422, tries left.
    for (const form of ['token_rejected', 'bare401'] as const) {
      world.etrade.sim.answerWrongVerifierWith(form);
      const wrong = await renewThroughFunctions((pin) => (pin === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ'));
      expect(wrong).toMatchObject({ status: 422, body: { error: { details: { attemptsLeft: 4 } } } });
    }
    world.etrade.sim.answerWrongVerifierWith('token_rejected');

    // A new token today, then an exchange E*TRADE fails, then the token dies under the keep-alive.
    expect((await renewThroughFunctions()).status).toBe(200);
    await rememberStoredPair();
    world.etrade.sim.inject({ kind: 'status', status: 503, times: Infinity, path: '/oauth/access_token' });
    expect((await renewThroughFunctions()).status).toBe(503);
    world.etrade.sim.clearFaults();
    world.etrade.sim.inject({ kind: 'problem', problem: 'token_rejected', times: Infinity, path: /^\/v1\// });
    const died = await world.fx.call('actions', '/keepalive/force', { body: {}, credentials: trader() });
    expect(died.body).toMatchObject({ counts: expect.objectContaining({ died: 1 }) });
    world.etrade.sim.clearFaults();

    expect(notices.notices.map((notice) => notice.kind)).toEqual([
      'renewal.succeeded',
      'morning.reminder',
      'chat.status',
      'login.link',
      'renewal.succeeded',
      'renewal.succeeded',
      'renewal.failed',
      'token.expired',
    ]);
    // token.renewed ×3 and token.expired: wait until the subscriber has them all.
    const deadline = Date.now() + 10_000;
    while (received.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received.map((message) => message.attributes.type)).toEqual([
      'token.renewed',
      'token.renewed',
      'token.renewed',
      'token.expired',
    ]);
  });

  it('shows no canary in logs, stdout/stderr, HTTP answers, Pub/Sub messages or notices', () => {
    const canaries: Record<string, string> = {
      'consumer secret': CANARY_CONSUMER.secret,
      'login-link key': LOGIN_LINK_KEY,
      'API key': world.api.apiKey,
      'bot token': CANARY_BOT_TOKEN,
      'webhook secret': CANARY_WEBHOOK_SECRET,
    };
    [...issued].forEach((value, i) => (canaries[`E*TRADE-issued value ${i + 1}`] = value));
    // Three access pairs and six request-token secrets (two for wrong codes) were issued and read back.
    expect(issued.size).toBe(12);

    const places: Record<string, string> = {
      logs: world.logs.join('\n'),
      'stdout/stderr': written.join(''),
      'HTTP answers': answers
        .map((answer) => {
          const headers = [...answer.headers].filter(([name]) => name !== 'set-cookie');
          return `${answer.status} ${JSON.stringify(headers)} ${JSON.stringify(answer.body)}`;
        })
        .join('\n'),
      'Pub/Sub messages': received
        .map((message) => `${message.data.toString('utf8')} ${JSON.stringify(message.attributes)}`)
        .join('\n'),
      notices: JSON.stringify(notices.notices),
      'Bot API bodies': JSON.stringify(world.bot!.requests.map((request) => request.body)),
    };
    // Each place really holds the flow: a leak check over empty captures would prove nothing.
    expect(world.logs.length).toBeGreaterThan(40);
    expect(answers.length).toBeGreaterThan(10);
    // Tuesday's renewal, reminder, /status, /login, the chat renewal, the page renewal, failure, death
    expect(world.bot!.sent().length).toBe(8);
    expect(world.bot!.calls('deleteMessage')).toHaveLength(1);
    expect(world.bot!.calls('editMessageText').length).toBeGreaterThanOrEqual(1);
    expect(world.bot!.requests.every((request) => request.token === CANARY_BOT_TOKEN)).toBe(true);

    const leaks: string[] = [];
    // The chat's button token and the pasted code: where they must be (the button in its sendMessage,
    // the code in the trader's own update) and nowhere else, not even in the edits and deletions.
    const [buttonToken, pin] = [...chatSecrets];
    const others = world.bot!.requests.filter(
      (r) => !(r.method === 'sendMessage' && String(r.body.text).startsWith('⏰')),
    );
    const chatPlaces = { ...places, 'Bot API bodies': JSON.stringify(others.map((r) => r.body)) };
    for (const [place, text] of Object.entries(chatPlaces)) {
      if (text.includes(buttonToken)) leaks.push(`renew button token in ${place}`);
      if (new RegExp(`\\b${pin}\\b`).test(text)) leaks.push(`pasted code in ${place}`);
    }
    for (const [place, text] of Object.entries(places)) {
      for (const [name, value] of Object.entries(canaries)) {
        for (const form of new Set([value, encodeURIComponent(value)])) {
          if (text.includes(form)) leaks.push(`${name} in ${place}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
