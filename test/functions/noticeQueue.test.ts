import { Firestore } from '@google-cloud/firestore';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

import { ensureTopic } from '../../shared/adapters/gcp/pubSubEventBus';
import { createContext } from '../../shared/app/createContext';
import type { AppContext } from '../../shared/app/context';
import { generateApiKey } from '../../shared/auth';
import { jsonLogger } from '../../shared/log';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { Inbox } from '../contracts/eventBus.contract';
import { BotApiServer } from '../fakes/botApiServer';
import {
  type FakeSecretManager,
  secretManagerClientOptions,
  startFakeSecretManager,
} from '../fakes/secretManagerServer';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { CANARY_BOT_TOKEN, TELEGRAM_CHAT } from '../support/canaries';
import { FunctionsHarness } from '../support/functionsHarness';
import { LOGIN_LINK_KEY } from '../support/localWorld';
import { CANARY_CONSUMER, SimulatedEtrade } from '../support/simulatedEtrade';

/**
 * exchangePin as deployed (USE_GCP=1, NOTICES_TOPIC set, Telegram through the real telegraf client to
 * the Bot API fake): its "token renewed" notice is queued on Pub/Sub before it answers, and the
 * `notices` function sends it. Telegram hung or slow never holds up the answer; and since nothing is
 * left to do once the answer is out, an instance whose CPU is throttled (gen2, after the answer) or
 * gone entirely loses nothing: here the exchanging instance's clients are shut right after it answers,
 * and a separate `notices` instance still delivers the notice.
 */
describe('the "renewed" notice is queued, not sent, by exchangePin', () => {
  const suffix = `${Date.now()}`;
  const eventsTopic = `token-events-q-${suffix}`;
  const noticesTopic = `notices-q-${suffix}`;
  const logs: string[] = [];
  let etrade: SimulatedEtrade;
  let bot: BotApiServer;
  let fake: FakeSecretManager;
  let secretManager: SecretManagerServiceClient;
  let queued: Inbox;
  let eventarc: PubSub;
  let closeSubscription: () => Promise<void>;

  beforeAll(async () => {
    etrade = await new SimulatedEtrade('2026-11-25T13:30:00Z').start();
    bot = await new BotApiServer({ tokens: [CANARY_BOT_TOKEN], chats: [TELEGRAM_CHAT] }).start();
    fake = await startFakeSecretManager();
    secretManager = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
    eventarc = new PubSub({ projectId: TEST_PROJECT_ID });
    await ensureTopic(eventarc, eventsTopic);
    // Standing in for Eventarc's subscription: what it would push to the notices function.
    const [subscription] = await (
      await ensureTopic(eventarc, noticesTopic)
    ).createSubscription(`${noticesTopic}-eventarc`);
    queued = new Inbox(10_000);
    subscription.on('message', (message: Message) => {
      message.ack();
      const data = message.data.toString('utf8');
      queued.push({ messageId: message.id, event: JSON.parse(data), raw: { data, attributes: {} } });
    });
    closeSubscription = () => subscription.close();
    const parent = `projects/${TEST_PROJECT_ID}`;
    for (const [id, value] of [
      ['etrade-oauth-prod-consumer', JSON.stringify(CANARY_CONSUMER)],
      ['etrade-oauth-sandbox-consumer', JSON.stringify(CANARY_CONSUMER)],
      [SECRET_IDS.loginLinkKey, LOGIN_LINK_KEY],
      [SECRET_IDS.apiKeyHash, generateApiKey().hash],
      [SECRET_IDS.telegramBotToken, CANARY_BOT_TOKEN],
    ]) {
      await secretManager.createSecret({ parent, secretId: id, secret: { replication: { automatic: {} } } });
      await secretManager.addSecretVersion({
        parent: `${parent}/secrets/${id}`,
        payload: { data: Buffer.from(value) },
      });
    }
  });

  afterAll(async () => {
    await closeSubscription();
    await Promise.all([eventarc.close(), secretManager.close()]);
    await fake.close();
    await bot.close();
    await etrade.close();
  });

  /** A function instance's own context and Google clients, from the deployed environment. */
  function instance(): { ctx: AppContext; shut: () => Promise<void> } {
    const firestore = new Firestore({ projectId: TEST_PROJECT_ID });
    const pubsub = new PubSub({ projectId: TEST_PROJECT_ID });
    const sim = etrade.sim;
    const ctx = createContext(
      {
        USE_GCP: '1',
        GOOGLE_CLOUD_PROJECT: TEST_PROJECT_ID,
        TOKEN_EVENTS_TOPIC: eventsTopic,
        NOTICES_TOPIC: noticesTopic,
        ETRADE_OAUTH_BASE: sim.url,
        ETRADE_API_BASE: sim.url,
        ETRADE_AUTHORIZE_BASE: sim.authorizeUrlBase,
        TELEGRAM_CHAT_ID: TELEGRAM_CHAT,
        TELEGRAM_API_ROOT: bot.url,
        PAGE_URL: 'https://tokens.example.com',
      },
      {
        clock: { now: () => new Date(etrade.now) },
        log: jsonLogger((line) => logs.push(line)),
        gcp: { firestore, pubsub, secretManager },
      },
    );
    return { ctx, shut: () => Promise.all([pubsub.close(), firestore.terminate()]).then(() => undefined) };
  }

  /** One renewal through a fresh exchanging instance, which is shut the moment it has answered. */
  async function renewThenVanish(): Promise<{ status: number; generation: number; telegramCalls: number }> {
    const exchanging = instance();
    const fx = await new FunctionsHarness(exchanging).start();
    try {
      const trader = await fx.signIn();
      const before = bot.requests.length;
      const answer = await fx.renew(trader);
      const telegramCalls = bot.requests.length - before;
      return {
        status: answer.status,
        generation: (answer.body as { generation: number }).generation,
        telegramCalls,
      };
    } finally {
      await fx.close();
      await exchanging.shut();
    }
  }

  /** Delivers a queued notice to the notices function of a separate instance, as Eventarc pushes it. */
  async function deliverToNotices(data: unknown): Promise<number> {
    const delivering = instance();
    const fx = await new FunctionsHarness(delivering).start();
    try {
      return await fx.deliver('notices', data);
    } finally {
      await fx.close();
      await delivering.shut();
    }
  }

  const renewedTexts = () =>
    bot
      .sent()
      .filter((m) => String(m.text).includes('token renewed'))
      .map((m) => String(m.text));

  it('Telegram hung: the answer comes without a word to Telegram; the notice goes out once Telegram is back', async () => {
    bot.faults.push({ kind: 'hang' });
    const sentBefore = renewedTexts().length;

    const renewal = await renewThenVanish();

    expect(renewal).toMatchObject({ status: 200, telegramCalls: 0 });
    const [message] = await queued.take(1);
    expect(message.event).toMatchObject({ kind: 'renewal.succeeded', connectionId: 'prod' });
    expect(message.raw?.data).not.toContain('login?t=');
    // Telegram answers again (the hung request gives up), then Eventarc pushes the queued notice.
    const stuck = fetch(`${bot.url}/bot${CANARY_BOT_TOKEN}/getMe`, { method: 'POST' }).catch(() => undefined);
    while (bot.faults.pending > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    bot.faults.releaseAll();
    await stuck;

    expect(await deliverToNotices(message.event)).toBe(204);
    const texts = renewedTexts().slice(sentBefore);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(`generation ${renewal.generation}.`);
    const [sent] = bot.sent().slice(-1);
    // Good news carries no link: nothing to act on.
    expect(sent.reply_markup).toBeUndefined();
  });

  it('Telegram failing, then slow: the answer waits on neither; Pub/Sub redelivers until the chat has it', async () => {
    const sentBefore = renewedTexts().length;
    bot.faults.push({ kind: 'reset' });
    bot.faults.push({ kind: 'delay', ms: 3_000 });

    const renewal = await renewThenVanish();

    expect(renewal).toMatchObject({ status: 200, telegramCalls: 0 });
    expect(bot.faults.pending).toBe(2); // neither fault has met a request yet
    const [message] = await queued.take(1);
    // The first push meets the reset: no channel took the notice, the run fails, Pub/Sub pushes again.
    expect(await deliverToNotices(message.event)).toBe(500);
    expect(logs.map((line) => JSON.parse(line).message)).toContain('notice.undelivered');
    // The redelivery meets a slow Telegram, waits it out, and the chat has the notice.
    expect(await deliverToNotices(message.event)).toBe(204);
    const attempts = renewedTexts().slice(sentBefore);
    expect(attempts).toHaveLength(2); // the reset one never reached the chat
    expect(attempts[1]).toContain(`generation ${renewal.generation}.`);
  });
});
