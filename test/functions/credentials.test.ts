import { createLoginLink, issueSession } from '../../shared/auth';
import { FunctionsHarness, type Credentials, type FunctionName } from '../support/functionsHarness';
import { LOGIN_LINK_KEY, LocalWorld } from '../support/localWorld';
import { snapshotState } from '../support/stateSnapshot';

/** Every route that changes state, with a body that would be accepted with good credentials. */
const STATE_CHANGING: [FunctionName, string, unknown][] = [
  ['requestToken', '/api/request-token', { connection: 'prod' }],
  ['exchangePin', '/api/exchange-pin', { flowId: '0'.repeat(32), pin: 'H92GX' }],
  ['actions', '/keepalive/force', {}],
  ['actions', '/cron/morning-alert', {}],
  ['actions', '/touch', { connection: 'prod' }],
];

describe('every refused credential on every state-changing route changes nothing', () => {
  let world: LocalWorld;
  let fx: FunctionsHarness;
  let good: Credentials;

  beforeAll(async () => {
    world = await LocalWorld.start('2026-11-25T13:30:00Z');
    fx = await new FunctionsHarness(world).start();
    good = await fx.signIn();
  });
  afterAll(async () => {
    await fx.close();
    await world.close();
  });

  const otherKey = 'another-deployment-key-0123456789abcdef';
  const now = () => world.ctx.clock.now();
  const cookieOf = (setCookie: string) => setCookie.split(';')[0];
  const badCredentials: [string, () => Credentials, number][] = [
    ['nothing', () => ({}), 401],
    ['a forged cookie', () => ({ cookie: 'etrade_session_local=eyJzIjoiYSJ9.AAAA', csrf: good.csrf }), 401],
    [
      'a cookie signed by another deployment',
      () => {
        const other = issueSession({ key: otherKey, now: now(), insecureLocal: true });
        return { cookie: cookieOf(other.cookie), csrf: other.csrfToken };
      },
      401,
    ],
    [
      'an expired session',
      () => {
        const old = issueSession({
          key: LOGIN_LINK_KEY,
          now: new Date(now().getTime() - 13 * 3_600_000),
          insecureLocal: true,
        });
        return { cookie: cookieOf(old.cookie), csrf: old.csrfToken };
      },
      401,
    ],
    ['a good session without the CSRF header', () => ({ cookie: good.cookie }), 403],
    ['a good session with a wrong CSRF token', () => ({ cookie: good.cookie, csrf: 'AAAA' }), 403],
    [
      "a good session with another session's CSRF token",
      () => ({
        cookie: good.cookie,
        csrf: issueSession({ key: LOGIN_LINK_KEY, now: now(), insecureLocal: true }).csrfToken,
      }),
      403,
    ],
    ['a wrong API key', () => ({ bearer: 'eto_not-the-key' }), 401],
    ['a wrong API key next to a good session', () => ({ ...good, bearer: 'eto_not-the-key' }), 401],
  ];

  const cases = STATE_CHANGING.flatMap(([name, path, body]) =>
    badCredentials.map(
      ([what, credentials, status]) =>
        [`${name} ${path} with ${what}`, name, path, body, credentials, status] as const,
    ),
  );

  it.each(cases)('%s', async (_title, name, path, body, credentials, status) => {
    const before = await snapshotState(world.dir);
    const requestsBefore = world.etrade.sim.requests.length;
    const noticesBefore = world.notices.notices.length;
    const answer = await fx.call(name, path, { body, credentials: credentials() });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({
      error: { code: status === 401 ? 'ERR_UNAUTHENTICATED' : 'ERR_CSRF' },
    });
    expect(await snapshotState(world.dir)).toEqual(before);
    expect(world.etrade.sim.requests).toHaveLength(requestsBefore);
    expect(world.notices.notices).toHaveLength(noticesBefore);
  });

  it('reading status needs a credential too', async () => {
    expect((await fx.call('status', '/status')).status).toBe(401);
    expect((await fx.call('status', '/keepalive/status', { credentials: { bearer: 'eto_x' } })).status).toBe(
      401,
    );
    expect(
      (await fx.call('status', '/keepalive/status', { credentials: { bearer: world.api.apiKey } })).status,
    ).toBe(200);
  });

  describe('login links', () => {
    const tokenOf = (url: string) => new URL(url).searchParams.get('t');
    const redeem = (token: string | null) => fx.call('actions', '/api/login', { body: { token } });

    it('a replayed link is refused', async () => {
      const token = tokenOf(fx.loginLink());
      expect((await redeem(token)).status).toBe(200);
      expect(await redeem(token)).toMatchObject({
        status: 401,
        body: { error: { code: 'ERR_LOGIN_LINK_INVALID' } },
      });
    });

    it('a forged or expired link is refused and sets no cookie', async () => {
      const forged = tokenOf(createLoginLink({ key: otherKey, pageUrl: world.ctx.pageUrl, now: now() }).url);
      const expired = tokenOf(
        createLoginLink({
          key: LOGIN_LINK_KEY,
          pageUrl: world.ctx.pageUrl,
          now: new Date(now().getTime() - 31 * 60_000),
        }).url,
      );
      for (const token of [forged, expired, 'x', `${tokenOf(fx.loginLink())}A`]) {
        const answer = await redeem(token);
        expect(answer.status).toBe(401);
        expect(answer.headers.get('set-cookie')).toBeNull();
      }
    });
  });
});
