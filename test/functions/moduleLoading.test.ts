import type { Server } from 'node:http';
import { PubSub } from '@google-cloud/pubsub';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { AddressInfo } from 'node:net';

import { generateApiKey } from '../../shared/auth';
import { silentLogger } from '../../shared/log';
import type { AppContext } from '../../shared/app/context';
import { ensureTopic } from '../../shared/adapters/gcp/pubSubEventBus';
import { WARM_UP_HEADER } from '../../shared/app/warmUp';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { startPinFlow } from '../../shared/pinflow/startPinFlow';
import { BotApiServer } from '../fakes/botApiServer';
import { secretManagerClientOptions, startFakeSecretManager } from '../fakes/secretManagerServer';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { CANARY_BOT_TOKEN, CANARY_WEBHOOK_SECRET, TELEGRAM_CHAT } from '../support/canaries';
import { deployedEnv, type DeployedEnv } from '../support/deployedEnv';
import { LOGIN_LINK_KEY } from '../support/localWorld';
import { CANARY_CONSUMER, SimulatedEtrade, loginAndReadPin } from '../support/simulatedEtrade';

/**
 * What a fresh instance loads to serve its first request: the deployed entry point (functions/index.ts)
 * in a module registry of its own, on the deployed composition (USE_GCP=1, the real Google clients on
 * the emulators, the configuration secrets mounted exactly as infra/ mounts them into that function).
 * Cold start pays for every heavy client a function loads (bench/coldStart.ts measures it); these
 * must stay out of the functions that do not use them.
 */
const WATCHED = {
  secretManager: '@google-cloud/secret-manager',
  pubsub: '@google-cloud/pubsub',
  telegraf: 'telegraf',
  vault: '../../shared/adapters/gcp/secretManagerVault',
  pubSubBus: '../../shared/adapters/gcp/pubSubEventBus',
  etradeClient: '../../shared/etrade/client',
} as const;
type Watched = keyof typeof WATCHED;

const loaded = new Set<Watched>();
for (const [name, request] of Object.entries(WATCHED) as [Watched, string][]) {
  // A pass-through: the real module, recorded when a registry first loads it.
  jest.doMock(request, () => {
    loaded.add(name);
    return jest.requireActual(request);
  });
}

const EVENTS_TOPIC = 'etrade-oauth-token-events';
const NOTICES_TOPIC = 'etrade-oauth-notices';

// 08:31 New York time on a trading day (Monday): the morning reminder's window.
const NOW = '2026-11-30T13:31:00Z';
const api = generateApiKey();
let etrade: SimulatedEtrade;
let bot: BotApiServer;
let deployed: DeployedEnv;
let projects = 0;

const secretValues: Record<string, string> = {
  'etrade-oauth-prod-consumer': JSON.stringify(CANARY_CONSUMER),
  'etrade-oauth-sandbox-consumer': JSON.stringify(CANARY_CONSUMER),
  [SECRET_IDS.loginLinkKey]: LOGIN_LINK_KEY,
  [SECRET_IDS.apiKeyHash]: api.hash,
  [SECRET_IDS.telegramBotToken]: CANARY_BOT_TOKEN,
  [SECRET_IDS.telegramWebhookSecret]: CANARY_WEBHOOK_SECRET,
};

beforeAll(async () => {
  deployed = await deployedEnv();
  etrade = await new SimulatedEtrade(NOW).start();
  bot = await new BotApiServer({ tokens: [CANARY_BOT_TOKEN], chats: [TELEGRAM_CHAT] }).start();
});

afterAll(async () => {
  await bot.close();
  await etrade.close();
});

interface FirstRequest {
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly expect: number;
}

/** A fresh registry: the entry point, a context from the function's environment, one request. */
async function firstRequest(
  name: string,
  request: FirstRequest,
  /** Runs in the fresh registry before the request (e.g. a flow for exchangePin); its answer is the body. */
  prepare?: (ctx: AppContext) => Promise<unknown>,
  /** Google clients handed in besides Firestore (the Secret Manager fake needs a plaintext channel). */
  clients: { secretManager?: SecretManagerServiceClient } = {},
  /** Send a warm-up first: `warmedUp` is what the registry loaded up to it, `loaded` what came after. */
  warmUpFirst = false,
): Promise<{ status: number; loaded: Watched[]; warmedUp?: Watched[] }> {
  loaded.clear();
  let status = 0;
  let warmedUp: Watched[] | undefined;
  const projectId = `${TEST_PROJECT_ID}-loads-${++projects}`;
  // The topics infra creates, in this project (the client here is the test's, outside the registry).
  const pubsub = new PubSub({ projectId });
  await Promise.all([ensureTopic(pubsub, EVENTS_TOPIC), ensureTopic(pubsub, NOTICES_TOPIC)]);
  await pubsub.close();
  await jest.isolateModulesAsync(async () => {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded inside the fresh registry */
    require('../../functions');
    const { getTestServer } = require('@google-cloud/functions-framework/testing');
    const { useContext } = require('../../shared/app/instance');
    const { createContext } = require('../../shared/app/createContext');
    const { Firestore } = require('@google-cloud/firestore');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const env = {
      USE_GCP: '1',
      GOOGLE_CLOUD_PROJECT: projectId,
      ETRADE_OAUTH_BASE: etrade.sim.url,
      ETRADE_API_BASE: etrade.sim.url,
      ETRADE_AUTHORIZE_BASE: etrade.sim.authorizeUrlBase,
      TELEGRAM_CHAT_ID: TELEGRAM_CHAT,
      TELEGRAM_API_ROOT: bot.url,
      PAGE_URL: 'https://tokens.example.com',
      // As infra sets them for every function (local.function_env).
      TOKEN_EVENTS_TOPIC: EVENTS_TOPIC,
      NOTICES_TOPIC,
      ...deployed.secrets(name, (id) => secretValues[id]),
    };
    // Only the Firestore client is handed in, so the test can close it; everything else is built
    // from the environment as on a deployed instance.
    const firestore = new Firestore({ projectId });
    const ctx: AppContext = createContext(env, {
      gcp: { firestore, ...clients },
      clock: { now: () => new Date(etrade.now) },
      log: silentLogger,
    });
    useContext(ctx);
    const body = prepare ? await prepare(ctx) : request.body;
    const server: Server = getTestServer(name);
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${request.path}`;
      if (warmUpFirst) {
        const warm = await fetch(url, { method: 'POST', headers: { [WARM_UP_HEADER]: '1' } });
        expect(warm.status).toBe(204);
        warmedUp = [...loaded].sort();
        loaded.clear();
      }
      const response = await fetch(url, {
        method: request.method ?? 'POST',
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await response.text();
      status = response.status;
    } finally {
      useContext(undefined);
      await new Promise((resolve) => server.close(resolve));
      await firestore.terminate();
    }
  });
  return { status, loaded: [...loaded].sort(), ...(warmedUp && { warmedUp }) };
}

const bearer = { authorization: `Bearer ${api.apiKey}` };
const pubSubPush = (payload: unknown) => ({
  path: '/',
  headers: {
    'ce-id': `m-${Date.now()}`,
    'ce-specversion': '1.0',
    'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
    'ce-source': '//pubsub.googleapis.com/projects/p/topics/t',
  },
  body: { message: { data: Buffer.from(JSON.stringify(payload)).toString('base64'), messageId: 'm' } },
});

describe('a fresh instance serving its first request loads only what that function uses', () => {
  it('status: the ledger, and no Secret Manager, Pub/Sub, telegraf, vault or E*TRADE client', async () => {
    const first = await firstRequest('status', {
      method: 'GET',
      path: '/status',
      headers: bearer,
      expect: 200,
    });
    expect(first).toEqual({ status: 200, loaded: [] });
  });

  it('requestToken: the E*TRADE client, and no Secret Manager, Pub/Sub, telegraf or vault', async () => {
    const calls = etrade.sim.requests.length;
    const first = await firstRequest('requestToken', {
      path: '/api/request-token',
      headers: bearer,
      body: { connection: 'prod' },
      expect: 201,
    });
    expect(first).toEqual({ status: 201, loaded: ['etradeClient'] });
    expect(etrade.sim.requests.length).toBe(calls + 1);
  });

  it('actions (/touch): no Secret Manager, Pub/Sub, telegraf or vault', async () => {
    const first = await firstRequest('actions', {
      path: '/touch',
      headers: bearer,
      body: { connection: 'prod' },
      expect: 200,
    });
    expect(first).toEqual({ status: 200, loaded: [] });
  });

  it('telegramWebhook (/status): telegraf to answer, and no Secret Manager or Pub/Sub', async () => {
    const sent = bot.sent().length;
    const first = await firstRequest('telegramWebhook', {
      path: '/',
      headers: { 'x-telegram-bot-api-secret-token': CANARY_WEBHOOK_SECRET },
      body: {
        update_id: 4242,
        message: {
          message_id: 1,
          date: 0,
          chat: { id: Number(TELEGRAM_CHAT), type: 'supergroup' },
          text: '/status',
        },
      },
      expect: 200,
    });
    expect(first).toEqual({ status: 200, loaded: ['telegraf'] });
    expect(bot.sent().length).toBe(sent + 1);
  });

  it('exchangePin: the vault, Pub/Sub and the E*TRADE client, and no telegraf: its notice is queued, not sent', async () => {
    const fake = await startFakeSecretManager();
    const secretManager = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
    try {
      const sent = bot.requests.length;
      const first = await firstRequest(
        'exchangePin',
        { path: '/api/exchange-pin', headers: bearer, expect: 200 },
        async (ctx) => {
          const flow = await startPinFlow(ctx, { connectionId: 'prod', session: 'api-key' });
          return { flowId: flow.flowId, pin: await loginAndReadPin(flow.authorizeUrl) };
        },
        { secretManager },
      );
      // The Secret Manager client was handed in (the fake's), so only the vault shows it is used.
      expect(first).toEqual({ status: 200, loaded: ['etradeClient', 'pubSubBus', 'pubsub', 'vault'] });
      expect(bot.requests.length).toBe(sent);
    } finally {
      await secretManager.close();
      await fake.close();
    }
  });

  it('exchangePin after a warm-up: the warm-up loaded everything the exchange uses, the exchange nothing more', async () => {
    const fake = await startFakeSecretManager();
    const secretManager = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
    try {
      const first = await firstRequest(
        'exchangePin',
        { path: '/api/exchange-pin', headers: bearer, expect: 200 },
        async (ctx) => {
          const flow = await startPinFlow(ctx, { connectionId: 'prod', session: 'api-key' });
          return { flowId: flow.flowId, pin: await loginAndReadPin(flow.authorizeUrl) };
        },
        { secretManager },
        true,
      );
      expect(first).toEqual({
        status: 200,
        warmedUp: ['etradeClient', 'pubSubBus', 'pubsub', 'vault'],
        loaded: [],
      });
    } finally {
      await secretManager.close();
      await fake.close();
    }
  });

  it('notices (a queued notice): telegraf to send it, and no Secret Manager, Pub/Sub or E*TRADE client', async () => {
    const sent = bot.sent().length;
    const notice = {
      kind: 'renewal.succeeded',
      connectionId: 'prod',
      title: 'Live: token renewed',
      lines: [],
    };
    const first = await firstRequest('notices', { ...pubSubPush(notice), expect: 204 });
    expect(first).toEqual({ status: 204, loaded: ['telegraf'] });
    expect(bot.sent().length).toBe(sent + 1);
  });

  it('morningAlert (the 08:30 reminder): telegraf to send it, and no Secret Manager or Pub/Sub', async () => {
    const sent = bot.sent().length;
    const first = await firstRequest('morningAlert', { ...pubSubPush({}), expect: 204 });
    expect(first.loaded).toEqual(['telegraf']);
    expect(bot.sent().length).toBe(sent + 1);
  });
});
