import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TELEGRAM_SECRET_HEADER } from '../../shared/api/telegramRoutes';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { CANARY, fuzzRoute } from '../support/fuzzHttp';
import { FunctionsHarness, type Credentials, type FunctionName } from '../support/functionsHarness';
import { LocalWorld } from '../support/localWorld';
import { snapshotState } from '../support/stateSnapshot';

const COUNT = 2000;
const WEBHOOK_SECRET = 'fuzz-telegram-webhook-secret';

/** Every HTTP route of every function. Reads get a valid session so the fuzz reaches past the guard. */
const ROUTES: {
  name: FunctionName;
  path: string;
  method: 'GET' | 'POST';
  signedIn?: boolean;
  sends?: boolean;
  /** Carries Telegram's secret header, so the fuzz reaches the update parser. */
  telegram?: boolean;
}[] = [
  { name: 'requestToken', path: '/api/request-token', method: 'POST' },
  // The chat's button: a GET whose only input is the `t` it carries.
  { name: 'requestToken', path: '/renew', method: 'GET' },
  { name: 'exchangePin', path: '/api/exchange-pin', method: 'POST' },
  { name: 'status', path: '/status', method: 'GET', signedIn: true },
  { name: 'status', path: '/keepalive/status', method: 'GET', signedIn: true },
  { name: 'actions', path: '/api/login', method: 'POST' },
  { name: 'actions', path: '/api/logout', method: 'POST' },
  // Unauthenticated by design: a well-formed request may send one link (and claim its marker).
  { name: 'actions', path: '/login-link', method: 'POST', sends: true },
  { name: 'actions', path: '/keepalive/force', method: 'POST' },
  { name: 'actions', path: '/cron/morning-alert', method: 'POST' },
  { name: 'actions', path: '/touch', method: 'POST' },
  { name: 'telegramWebhook', path: '/', method: 'POST', telegram: true },
];

describe(`${COUNT} generated bad requests per HTTP route`, () => {
  let world: LocalWorld;
  let fx: FunctionsHarness;
  let trader: Credentials;

  beforeAll(async () => {
    world = await LocalWorld.start('2026-11-25T13:30:00Z');
    const secretsPath = join(world.dir, 'secrets.json');
    const secrets = JSON.parse(await readFile(secretsPath, 'utf8')) as Record<string, string>;
    secrets[SECRET_IDS.telegramWebhookSecret] = WEBHOOK_SECRET;
    await writeFile(secretsPath, JSON.stringify(secrets), { mode: 0o600 });
    fx = await new FunctionsHarness(world).start();
    trader = await fx.signIn();
  });
  afterAll(async () => {
    await fx.close();
    await world.close();
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.name} ${route.path}`, route] as const))(
    '%s: no 5xx, every answer of ours is JSON, nothing changes',
    async (_title, route) => {
      const ignore = route.sends ? ['markers'] : [];
      const before = await snapshotState(world.dir, ignore);
      const requestsBefore = world.etrade.sim.requests.length;
      const logsBefore = world.logs.length;
      const report = await fuzzRoute({
        baseUrl: fx.url(route.name, ''),
        path: route.path,
        method: route.method,
        count: COUNT,
        seed: 20261125 + route.path.length,
        mutate: route.signedIn
          ? (request) => ({ ...request, headers: { ...request.headers, cookie: trader.cookie ?? '' } })
          : route.telegram
            ? (request) => ({
                ...request,
                headers: { ...request.headers, [TELEGRAM_SECRET_HEADER]: WEBHOOK_SECRET },
              })
            : undefined,
      });
      expect(report.total).toBe(COUNT);
      expect(report.violations).toEqual([]);
      expect(Object.keys(report.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
      expect(report.outcomes.handled).toBeGreaterThan(COUNT / 2);
      expect(await snapshotState(world.dir, ignore)).toEqual(before);
      expect(world.etrade.sim.requests).toHaveLength(requestsBefore);
      const kinds = new Set(world.notices.notices.map((notice) => notice.kind));
      expect([...kinds].filter((kind) => kind !== 'login.link')).toEqual([]);
      expect(world.logs.slice(logsBefore).join('\n')).not.toContain(CANARY);
    },
  );
});
