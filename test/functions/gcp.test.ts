import { Firestore } from '@google-cloud/firestore';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { ensureTopic } from '../../shared/adapters/gcp/pubSubEventBus';
import { createContext } from '../../shared/app/createContext';
import type { AppContext } from '../../shared/app/context';
import { generateApiKey } from '../../shared/auth';
import { jsonLogger } from '../../shared/log';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import {
  startFakeSecretManager,
  secretManagerClientOptions,
  type FakeSecretManager,
} from '../fakes/secretManagerServer';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { FunctionsHarness, type Credentials } from '../support/functionsHarness';
import { LOGIN_LINK_KEY } from '../support/localWorld';
import { RecordingNotifier } from '../support/recordingNotifier';
import { CANARY_CONSUMER, SimulatedEtrade } from '../support/simulatedEtrade';

/**
 * The deployed composition (USE_GCP=1): Firestore and Pub/Sub emulators, the Secret Manager fake over
 * gRPC, the real Google clients, the functions through functions-framework, the simulator as E*TRADE.
 */
describe('the functions on the GCP adapters', () => {
  const topic = `token-events-${Date.now()}`;
  const logs: string[] = [];
  const received: Message[] = [];
  const notices = new RecordingNotifier();
  let etrade: SimulatedEtrade;
  let fake: FakeSecretManager;
  let secretManager: SecretManagerServiceClient;
  let firestore: Firestore;
  let pubsub: PubSub;
  let ctx: AppContext;
  let fx: FunctionsHarness;
  let trader: Credentials;
  let closeSubscription: () => Promise<void>;

  beforeAll(async () => {
    // This suite alone uses the default collection names: start from an empty database.
    const host = process.env.FIRESTORE_EMULATOR_HOST;
    await fetch(`http://${host}/emulator/v1/projects/${TEST_PROJECT_ID}/databases/(default)/documents`, {
      method: 'DELETE',
    });
    etrade = await new SimulatedEtrade('2026-11-25T13:30:00Z').start();
    fake = await startFakeSecretManager();
    secretManager = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
    firestore = new Firestore({ projectId: TEST_PROJECT_ID });
    pubsub = new PubSub({ projectId: TEST_PROJECT_ID });
    const [subscription] = await (await ensureTopic(pubsub, topic)).createSubscription(`${topic}-sub`);
    subscription.on('message', (message: Message) => {
      received.push(message);
      message.ack();
    });
    closeSubscription = () => subscription.close();

    const consumer = JSON.stringify(CANARY_CONSUMER);
    for (const [id, value] of [
      ['etrade-oauth-prod-consumer', consumer],
      ['etrade-oauth-sandbox-consumer', consumer],
      [SECRET_IDS.loginLinkKey, LOGIN_LINK_KEY],
      [SECRET_IDS.apiKeyHash, generateApiKey().hash],
    ]) {
      const parent = `projects/${TEST_PROJECT_ID}`;
      await secretManager.createSecret({ parent, secretId: id, secret: { replication: { automatic: {} } } });
      await secretManager.addSecretVersion({
        parent: `${parent}/secrets/${id}`,
        payload: { data: Buffer.from(value) },
      });
    }
    const sim = etrade.sim;
    ctx = createContext(
      {
        USE_GCP: '1',
        GOOGLE_CLOUD_PROJECT: TEST_PROJECT_ID,
        TOKEN_EVENTS_TOPIC: topic,
        ETRADE_OAUTH_BASE: sim.url,
        ETRADE_API_BASE: sim.url,
        ETRADE_AUTHORIZE_BASE: sim.authorizeUrlBase,
        PAGE_URL: 'https://tokens.example.com',
      },
      {
        clock: { now: () => new Date(etrade.now) },
        log: jsonLogger((line) => logs.push(line)),
        notifier: notices,
        gcp: { firestore, pubsub, secretManager },
      },
    );
    fx = await new FunctionsHarness({ ctx }).start();
    trader = await fx.signIn();
  });

  afterAll(async () => {
    await fx.close();
    await closeSubscription();
    await Promise.all([pubsub.close(), firestore.terminate(), secretManager.close()]);
    await fake.close();
    await etrade.close();
  });

  const renew = () => fx.renew(trader);

  it('stores each renewal as a Secret Manager version, disables the old one, destroys older ones, records the generation in Firestore', async () => {
    expect((await renew()).body).toMatchObject({ generation: 1, secretVersion: '1' });
    etrade.advance(60_000);
    expect((await renew()).body).toMatchObject({ generation: 2, secretVersion: '2' });

    expect(fake.versions('etrade-oauth-prod-access').map((v) => v.state)).toEqual(['DISABLED', 'ENABLED']);
    // A third renewal: one disabled version is kept for a rollback, older ones are destroyed.
    etrade.advance(60_000);
    expect((await renew()).body).toMatchObject({ generation: 3, secretVersion: '3' });
    expect(fake.versions('etrade-oauth-prod-access').map((v) => v.state)).toEqual([
      'DESTROYED',
      'DISABLED',
      'ENABLED',
    ]);
    const doc = await firestore.collection('connections').doc('prod').get();
    expect(doc.get('generation')).toBe(3);
    expect(doc.get('secretVersion')).toBe('3');
    expect(await ctx.vault.readTokenPair('prod')).toMatchObject({ version: '3' });
  });

  it('announces each renewal on Pub/Sub without any token material', async () => {
    const deadline = Date.now() + 10_000;
    while (received.length < 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const events = received.map((message) => JSON.parse(message.data.toString('utf8')));
    expect(events.map((event) => [event.type, event.generation, event.secretVersion])).toEqual([
      ['token.renewed', 1, '1'],
      ['token.renewed', 2, '2'],
      ['token.renewed', 3, '3'],
    ]);
    const stored = await ctx.vault.readTokenPair('prod');
    const wire = received
      .map((message) => `${message.data.toString('utf8')}${JSON.stringify(message.attributes)}`)
      .join('');
    for (const secret of [stored!.pair.token, stored!.pair.secret, CANARY_CONSUMER.secret])
      expect(wire).not.toContain(secret);
  });

  it('a keep-alive tick renews the idle token and records it in Firestore', async () => {
    etrade.advance(2 * 3_600_000);
    expect(await fx.deliver('keepAlive', {})).toBe(204);
    const status = await fx.call('status', '/keepalive/status', { credentials: trader });
    const prod = (
      status.body as { connections: { id: string; state: string; keepAlive: { lastOutcome: string } }[] }
    ).connections.find((c) => c.id === 'prod');
    expect(prod).toMatchObject({ state: 'active', keepAlive: { lastOutcome: 'renewed' } });
  });

  it('logged nothing secret along the way', async () => {
    const stored = await ctx.vault.readTokenPair('prod');
    const everything = [...logs, JSON.stringify(notices.notices)].join('\n');
    for (const secret of [stored!.pair.token, stored!.pair.secret, CANARY_CONSUMER.secret, LOGIN_LINK_KEY]) {
      expect(everything).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(5);
  });
});
