import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { ensureTopic } from '../../shared/adapters/gcp/pubSubEventBus';
import { FirestoreTokenLedger } from '../../shared/adapters/gcp/firestoreTokenLedger';
import { EtradeClients } from '../../shared/app/etradeClients';
import type { AppContext } from '../../shared/app/context';
import { createContext } from '../../shared/app/createContext';
import {
  type TokenEventSubscription,
  type TradingClient,
  subscribeToTokenEvents,
  tradingClientFor,
} from '../../shared/client';
import { jsonLogger } from '../../shared/log';
import { exchangePin } from '../../shared/pinflow/exchangePin';
import { startPinFlow } from '../../shared/pinflow/startPinFlow';
import type { TokenEvent } from '../../shared/ports/eventBus';
import type { SecretReader } from '../../shared/ports/secretReader';
import {
  type FakeSecretManager,
  secretManagerClientOptions,
  startFakeSecretManager,
} from '../fakes/secretManagerServer';
import { RecordingNotifier } from '../support/recordingNotifier';
import { CANARY_CONSUMER, SimulatedEtrade, loginAndReadPin } from '../support/simulatedEtrade';

/**
 * Its own project on the emulators: test/functions/gcp.test.ts empties the default test project's
 * Firestore database when it starts, and may do so while this file runs in another worker.
 */
const PROJECT = 'etrade-oauth-client-test';

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The trading client on the deployed composition's adapters: Firestore ledger (emulator), Secret
 * Manager vault (the gRPC fake, real client), token events over the Pub/Sub emulator.
 */
describe('trading client on the GCP adapters', () => {
  const topicName = `token-events-client-${Date.now()}`;
  const logs: string[] = [];
  const seen: TokenEvent[] = [];
  const malformed: unknown[] = [];
  let etrade: SimulatedEtrade;
  let fake: FakeSecretManager;
  let secretManager: SecretManagerServiceClient;
  let firestore: Firestore;
  let pubsub: PubSub;
  let ctx: AppContext;
  let trading: TradingClient;
  let subscription: TokenEventSubscription;

  beforeAll(async () => {
    etrade = await new SimulatedEtrade('2026-11-25T13:30:00Z').start();
    fake = await startFakeSecretManager();
    secretManager = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
    firestore = new Firestore({ projectId: PROJECT });
    pubsub = new PubSub({ projectId: PROJECT });
    const topic = await ensureTopic(pubsub, topicName);
    await topic.createSubscription(`${topicName}-trading`);

    const clock = { now: () => new Date(etrade.now) };
    const log = jsonLogger((line) => logs.push(line));
    const consumer = JSON.stringify(CANARY_CONSUMER);
    const secrets: SecretReader = { read: async (id) => (id.endsWith('-consumer') ? consumer : undefined) };
    const sim = etrade.sim;
    ctx = createContext(
      {
        USE_GCP: '1',
        GOOGLE_CLOUD_PROJECT: PROJECT,
        TOKEN_EVENTS_TOPIC: topicName,
        ETRADE_OAUTH_BASE: sim.url,
        ETRADE_API_BASE: sim.url,
        ETRADE_AUTHORIZE_BASE: sim.authorizeUrlBase,
      },
      {
        clock,
        log,
        secrets,
        notifier: new RecordingNotifier(),
        etrade: new EtradeClients({ secrets, clock, log, sleep: async () => undefined }),
        ledger: new FirestoreTokenLedger(firestore, { collectionPrefix: `client${Date.now()}_` }),
        gcp: { firestore, pubsub, secretManager },
      },
    );
    trading = await tradingClientFor(ctx, 'prod', { http: { sleep: async () => undefined } });
    subscription = subscribeToTokenEvents(
      pubsub,
      `${topicName}-trading`,
      {
        onTokenEvent: (event) => {
          seen.push(event);
          trading.onTokenEvent(event);
        },
      },
      { onError: (error) => malformed.push(error) },
    );
  });

  afterAll(async () => {
    // Each step tolerates an earlier failure in beforeAll, so open clients never keep Jest alive.
    await subscription?.close();
    await trading?.close();
    await Promise.all([pubsub?.close(), firestore?.terminate(), secretManager?.close()]);
    await fake?.close();
    await etrade?.close();
  });

  async function renew() {
    const flow = await startPinFlow(ctx, { connectionId: 'prod', session: 'trader' });
    const pin = await loginAndReadPin(flow.authorizeUrl);
    return exchangePin(ctx, { flowId: flow.flowId, pin, session: 'trader' });
  }

  const vaultReads = () => fake.calls('AccessSecretVersion');
  const accountCalls = () => etrade.sim.requests.filter((r) => r.path.startsWith('/v1/accounts/list'));

  it('reads Secret Manager once for many calls', async () => {
    expect((await renew()).generation).toBe(1);
    const before = vaultReads();
    for (let i = 0; i < 6; i++) await trading.listAccounts();
    await trading.getBalance('JIdOIAcSpwR1Jva7RQBraQ');
    expect(vaultReads() - before).toBe(1);
    expect(await trading.currentToken()).toMatchObject({ generation: 1, secretVersion: '1' });
  });

  it('records usage in Firestore at most once a minute', async () => {
    const recordUsed = jest.spyOn(ctx.ledger, 'recordUsed');
    etrade.advance(61_000); // past the previous test's write
    const first = new Date(etrade.now);
    for (let i = 0; i < 4; i++) await trading.listAccounts();
    etrade.advance(59_000);
    await trading.listAccounts();
    await trading.flush();
    expect(recordUsed).toHaveBeenCalledTimes(1);
    expect((await ctx.ledger.get('prod')).lastUsedAt).toEqual(first);
    etrade.advance(1_000);
    await trading.listAccounts();
    await trading.flush();
    expect(recordUsed).toHaveBeenCalledTimes(2);
    expect((await ctx.ledger.get('prod')).lastUsedAt).toEqual(new Date(etrade.now));
    recordUsed.mockRestore();
  });

  it('a token.renewed event over Pub/Sub drops the cache: the next call uses generation 2', async () => {
    const old = (await trading.currentToken()).pair;
    expect((await renew()).generation).toBe(2);
    await eventually(() => seen.some((event) => event.generation === 2), 'the token.renewed event');
    // Generation 1 dies at E*TRADE: had the client kept it, the call would show a 401 first.
    await etrade.client().revokeAccessToken(old);
    const reads = vaultReads();
    const calls = accountCalls().length;
    await trading.listAccounts();
    expect(
      accountCalls()
        .slice(calls)
        .map((r) => r.status),
    ).toEqual([200]);
    expect(vaultReads() - reads).toBe(1);
    expect(await trading.currentToken()).toMatchObject({ generation: 2, secretVersion: '2' });
  });

  it('reloads and retries once on a 401 when no event arrived', async () => {
    const deaf = await tradingClientFor(ctx, 'prod', { http: { sleep: async () => undefined } });
    await deaf.listAccounts();
    const old = (await deaf.currentToken()).pair;
    expect((await renew()).generation).toBe(3);
    await etrade.client().revokeAccessToken(old);
    const calls = accountCalls().length;
    await deaf.listAccounts();
    expect(
      accountCalls()
        .slice(calls)
        .map((r) => r.status),
    ).toEqual([401, 200]);
    expect(await deaf.currentToken()).toMatchObject({ generation: 3, secretVersion: '3' });
    await deaf.close();
  });

  it('answers isReadyToTrade from Firestore', async () => {
    expect(await trading.isReadyToTrade(60)).toMatchObject({
      ready: true,
      generation: 3,
      reason: /^ok: active, expires in 15 h/,
    });
    const sandbox = await tradingClientFor(ctx, 'sandbox');
    expect(await sandbox.isReadyToTrade()).toMatchObject({ ready: false, state: 'missing' });
    const at = new Date(etrade.now);
    for (let i = 0; i < 3; i++) {
      await ctx.ledger.recordKeepAlive('prod', 3, { at, outcome: 'failed', errorCode: 'ERR_TRANSIENT' });
    }
    expect(await trading.isReadyToTrade()).toMatchObject({
      ready: false,
      state: 'failing',
      reason: 'keep-alive failing (3 in a row, last ERR_TRANSIENT)',
    });
    etrade.advance(2 * 3_600_000);
    expect(await trading.isReadyToTrade()).toMatchObject({ ready: false, state: 'idle' });
  });

  it('acks and reports a malformed message instead of choking on it', async () => {
    await pubsub.topic(topicName).publishMessage({ data: Buffer.from('{"type":"token.renewed"}') });
    await eventually(() => malformed.length > 0, 'the malformed message');
    expect(String(malformed[0])).toMatch(/event.connectionId must be a non-empty string/);
  });

  it('logged no token material', async () => {
    const stored = await ctx.vault.readTokenPair('prod');
    const everything = logs.join('\n');
    for (const secret of [stored!.pair.token, stored!.pair.secret, CANARY_CONSUMER.secret]) {
      expect(everything).not.toContain(secret);
    }
  });
});
