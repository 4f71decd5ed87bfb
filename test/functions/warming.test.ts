import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { RENEWAL_PATHS, WARM_UP_HEADER } from '../../shared/app/warmUp';
import { FunctionsHarness } from '../support/functionsHarness';
import { LocalWorld } from '../support/localWorld';

/**
 * Warming through the deployed entry point: redeeming a sign-in link (actions) starts the functions
 * the page calls next, through the page's host as the page would reach them, and each of them answers
 * a warm-up. The page host here takes requests and never answers: the sign-in must not wait for them.
 */
describe('warming the renewal from the sign-in', () => {
  let host: Server;
  let pageUrl: string;
  const arrived: IncomingMessage[] = [];

  beforeAll(async () => {
    host = createServer((req) => void arrived.push(req));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
  });

  async function signInWith(env: Record<string, string>): Promise<IncomingMessage[]> {
    arrived.length = 0;
    const world = await LocalWorld.start('2026-11-25T13:30:00Z', { PAGE_URL: pageUrl, ...env });
    const fx = await new FunctionsHarness(world).start();
    try {
      const trader = await fx.signIn();
      expect(trader.csrf).toEqual(expect.any(String));
      for (let i = 0; i < 200 && arrived.length < RENEWAL_PATHS.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return [...arrived];
    } finally {
      await fx.close();
      await world.close();
    }
  }

  it('with WARM_UP=1, a sign-in posts a warm-up for status, requestToken and exchangePin to the page host', async () => {
    const warmUps = await signInWith({ WARM_UP: '1' });
    expect(warmUps.map((req) => [req.method, req.url, req.headers[WARM_UP_HEADER]]).sort()).toEqual([
      ['POST', '/api/exchange-pin', '1'],
      ['POST', '/api/request-token', '1'],
      ['POST', '/status', '1'],
    ]);
  });

  it('without it, a sign-in sends nothing anywhere', async () => {
    expect(await signInWith({})).toEqual([]);
  });

  it('with WARM_UP=1, the morning reminder, once sent, warms the sign-in the trader taps next and the renewal', async () => {
    arrived.length = 0;
    const world = await LocalWorld.start('2026-11-25T13:31:00Z', { PAGE_URL: pageUrl, WARM_UP: '1' });
    const fx = await new FunctionsHarness(world).start();
    try {
      expect(await fx.deliver('morningAlert', {})).toBe(204);
      expect(world.notices.ofKind('morning.reminder')).toHaveLength(1);
      for (let i = 0; i < 200 && arrived.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
      expect(arrived.map((req) => [req.method, req.url, req.headers[WARM_UP_HEADER]]).sort()).toEqual([
        ['POST', '/api/exchange-pin', '1'],
        ['POST', '/api/login', '1'],
        ['POST', '/api/request-token', '1'],
        ['POST', '/status', '1'],
      ]);
      // Not sent again (already sent today): nothing to warm for.
      arrived.length = 0;
      expect(await fx.deliver('morningAlert', {})).toBe(204);
      await new Promise((r) => setTimeout(r, 50));
      expect(arrived).toEqual([]);
    } finally {
      await fx.close();
      await world.close();
    }
  });

  it('each function a renewal meets answers a warm-up with 204, unauthenticated, and serves as before', async () => {
    const world = await LocalWorld.start('2026-11-25T13:30:00Z');
    const fx = await new FunctionsHarness(world).start();
    try {
      const warmUp = { method: 'POST', headers: { [WARM_UP_HEADER]: '1' } };
      expect((await fx.call('status', '/status', warmUp)).status).toBe(204);
      expect((await fx.call('requestToken', '/api/request-token', warmUp)).status).toBe(204);
      expect((await fx.call('exchangePin', '/api/exchange-pin', warmUp)).status).toBe(204);
      expect((await fx.call('actions', '/api/login', warmUp)).status).toBe(204);
      // Nobody signed in, nothing started: a warm-up is no way in.
      expect((await fx.call('status', '/status')).status).toBe(401);
      const trader = await fx.signIn();
      expect((await fx.renew(trader)).status).toBe(200);
    } finally {
      await fx.close();
      await world.close();
    }
  });
});
