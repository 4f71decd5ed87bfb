import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { http } from '@google-cloud/functions-framework';
import { PubSub } from '@google-cloud/pubsub';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { getTestServer } from '@google-cloud/functions-framework/testing';

import { httpFunction } from '../../shared/api/register';
import { createContext } from '../../shared/app/createContext';
import { silentLogger } from '../../shared/log';
import {
  SECRET_MANAGER_RPCS,
  secretManagerClientOptions,
  startFakeSecretManager,
} from '../fakes/secretManagerServer';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { useContext } from '../../shared/app/instance';
import { RENEWAL_PATHS, WARM_UP_HEADER, sendWarmUps } from '../../shared/app/warmUp';
import { freeLoopbackPort } from '../global/freePort';
import { LocalWorld } from '../support/localWorld';

/**
 * Warming (shared/app/warmUp.ts): a warm-up request builds what a function's first request builds,
 * once per instance, and answers 204 to anyone; the sender hands its requests to the network and
 * does not wait for the answers.
 */

let routesBuilt = 0;
http(
  'warmUpProbe',
  httpFunction(
    (ctx) => {
      routesBuilt++;
      return [
        {
          method: 'GET',
          path: '/probe',
          handle: async () => ({ body: { generation: (await ctx.ledger.get('prod')).generation } }),
        },
      ];
    },
    { warms: ['ledger', 'etrade'] },
  ),
);

describe('a function answering a warm-up', () => {
  let world: LocalWorld;
  let server: Server;
  let url: string;

  beforeEach(async () => {
    routesBuilt = 0;
    world = await LocalWorld.start('2026-11-25T13:30:00Z');
    useContext(world.ctx);
    server = getTestServer('warmUpProbe');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    useContext(undefined);
    await new Promise((resolve) => server.close(resolve));
    await world.close();
  });

  const warm = (headers: Record<string, string> = { [WARM_UP_HEADER]: '1' }) =>
    fetch(`${url}/probe`, { method: 'POST', headers });

  it('builds the routes, reads the ledger once and makes the E*TRADE client, then answers 204 with no body', async () => {
    const reads = jest.spyOn(world.ctx.ledger, 'get');
    const clients = jest.spyOn(world.ctx.etrade, 'forConnection');

    const answer = await warm();

    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe('');
    expect(routesBuilt).toBe(1);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(clients).toHaveBeenCalledTimes(1);
    // No E*TRADE call: building the client reads the consumer secret, nothing more.
    expect(world.etrade.sim.requests).toHaveLength(0);
  });

  it('warms once per instance: later warm-ups answer at once and build nothing', async () => {
    const reads = jest.spyOn(world.ctx.ledger, 'get');
    await warm();
    const [second, third] = await Promise.all([warm(), warm()]);

    expect([second.status, third.status]).toEqual([204, 204]);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(routesBuilt).toBe(1);
  });

  it('is only a POST with the header set to 1: anything else reaches the routes as before', async () => {
    expect((await warm({ [WARM_UP_HEADER]: 'yes' })).status).toBe(405);
    const get = await fetch(`${url}/probe`, { headers: { [WARM_UP_HEADER]: '1' } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ generation: 0 });
  });

  it('answers 204 even when the ledger is down: the first real request is then as cold as it was', async () => {
    jest
      .spyOn(world.ctx.ledger, 'get')
      .mockRejectedValue(Object.assign(new Error('down'), { code: 'ERR_STORE_UNAVAILABLE' }));

    expect((await warm()).status).toBe(204);
    expect(world.logs.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ message: 'warm_up.failed', code: 'ERR_STORE_UNAVAILABLE' }),
    );
  });
});

describe('sendWarmUps', () => {
  let host: Server;
  let pageUrl: string;
  const arrived: IncomingMessage[] = [];

  beforeAll(async () => {
    // A page host that takes the requests and never answers: the sender must not wait for answers.
    host = createServer((req) => void arrived.push(req));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
  });

  it('posts a warm-up to each path on the page host and resolves before any is answered', async () => {
    await sendWarmUps(pageUrl, RENEWAL_PATHS, { withinMs: 60_000 });
    for (let i = 0; i < 200 && arrived.length < RENEWAL_PATHS.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    expect(arrived.map((req) => [req.method, req.url, req.headers[WARM_UP_HEADER]]).sort()).toEqual(
      [...RENEWAL_PATHS].sort().map((path) => ['POST', path, '1']),
    );
  });

  it('never rejects: an unreachable host is logged and passed over', async () => {
    const logs: string[] = [];
    const port = await freeLoopbackPort();
    const log = {
      warn: (message: string, fields?: object) => logs.push(JSON.stringify({ message, ...fields })),
    };

    await expect(
      sendWarmUps(`http://127.0.0.1:${port}`, ['/status'], { log: log as never, withinMs: 60_000 }),
    ).resolves.toBeUndefined();
    expect(logs).toEqual([JSON.stringify({ message: 'warm_up.unsent', path: '/status' })]);
  });
});

describe('warmClients on the Google clients', () => {
  it('initializes Secret Manager and the Pub/Sub publisher and opens their connections, without a call', async () => {
    const fake = await startFakeSecretManager();
    const secretManager = new SecretManagerServiceClient(secretManagerClientOptions(fake.port));
    const pubsub = new PubSub({ projectId: TEST_PROJECT_ID });
    try {
      const ctx = createContext(
        { USE_GCP: '1', GOOGLE_CLOUD_PROJECT: TEST_PROJECT_ID, NOTICES_TOPIC: 'etrade-oauth-notices' },
        { log: silentLogger, gcp: { secretManager, pubsub } },
      );
      void ctx.vault;
      void ctx.outbox;

      await ctx.warmClients();

      type Channel = { getConnectivityState(tryToConnect: boolean): number };
      const channelOf = async (stub: Promise<unknown>) =>
        ((await stub) as { getChannel(): Channel }).getChannel();
      const publisher = (pubsub as unknown as { api: Record<string, { publisherStub: Promise<unknown> }> })
        .api.PublisherClient;
      expect(publisher).toBeDefined();
      const channels = [
        await channelOf(
          (secretManager as unknown as { secretManagerServiceStub: Promise<unknown> })
            .secretManagerServiceStub,
        ),
        await channelOf(publisher.publisherStub),
      ];
      const READY = 2;
      for (let i = 0; i < 400 && channels.some((c) => c.getConnectivityState(false) !== READY); i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(channels.map((c) => c.getConnectivityState(false))).toEqual([READY, READY]);
      // Not one call: a warm-up has no side effect anywhere.
      expect(SECRET_MANAGER_RPCS.map((rpc) => fake.calls(rpc))).toEqual(SECRET_MANAGER_RPCS.map(() => 0));
    } finally {
      await Promise.all([secretManager.close(), pubsub.close()]);
      await fake.close();
    }
  });

  it('does nothing where there are no Google clients (the embedded stores), and never rejects', async () => {
    const world = await LocalWorld.start('2026-11-25T13:30:00Z');
    try {
      void world.ctx.vault;
      await expect(world.ctx.warmClients()).resolves.toBeUndefined();
    } finally {
      await world.close();
    }
  });
});
