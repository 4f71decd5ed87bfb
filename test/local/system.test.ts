import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalSystem, type LocalSystem } from '../../shared/local/system';
import { ManualClock } from '../../shared/ports/clock';
import { RecordingNotifier } from '../support/recordingNotifier';
import { loginAndReadPin } from '../support/simulatedEtrade';

/** The one-command local system, driven over its own gateway as a browser would. */
describe('local system: page rewrites, functions, simulator and scheduler in one process', () => {
  let dir: string;
  let system: LocalSystem;
  const clock = new ManualClock('2026-11-25T13:30:00Z');
  const notices = new RecordingNotifier();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etrade-oauth-local-'));
    system = await startLocalSystem({
      port: 0,
      simPort: 0,
      dataDir: join(dir, 'data'),
      clock,
      notifier: notices,
      env: {},
    });
  });
  afterAll(async () => {
    await system.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${system.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('seeds its secrets in 0600 files and keeps them across restarts', async () => {
    const secrets = await stat(join(dir, 'data', 'secrets.json'));
    expect(secrets.mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    expect(system.apiKey).toMatch(/^eto_/);
    expect((await readFile(join(dir, 'data', 'api-key'), 'utf8')).trim()).toBe(system.apiKey);
  });

  it('walks sign-in → renew → status through the Hosting rewrites', async () => {
    const token = new URL(await system.loginLink()).searchParams.get('t');
    const login = await post('/api/login', { token });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const auth = { cookie, 'x-csrf-token': login.body.csrfToken as string };
    expect(login.headers.get('content-security-policy')).toContain("default-src 'self'");

    const started = await post('/api/request-token', { connection: 'prod' }, auth);
    expect(started.status).toBe(201);
    const pin = await loginAndReadPin(started.body.authorizeUrl as string);
    const exchanged = await post('/api/exchange-pin', { flowId: started.body.flowId, pin }, auth);
    expect(exchanged).toMatchObject({ status: 200, body: { generation: 1 } });

    const status = await fetch(`${system.url}/status`, { headers: { cookie } });
    const body = (await status.json()) as { connections: { id: string; state: string }[] };
    expect(body.connections.find((c) => c.id === 'prod')?.state).toBe('active');
    expect(notices.ofKind('renewal.succeeded')).toHaveLength(1);
  });

  it('delivers scheduler ticks to the event functions', async () => {
    clock.advance(2 * 3_600_000);
    expect(await system.tick('keepAlive')).toBe(204);
    const status = await fetch(`${system.url}/keepalive/status`, {
      headers: { authorization: `Bearer ${system.apiKey}` },
    });
    const body = (await status.json()) as {
      connections: { id: string; keepAlive: { lastOutcome?: string } }[];
    };
    expect(body.connections.find((c) => c.id === 'prod')?.keepAlive.lastOutcome).toBe('renewed');
  });

  it('unknown paths are a 404 and never escape the public folder', async () => {
    for (const path of ['/nope', '/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json']) {
      const response = await fetch(`${system.url}${path}`);
      expect(response.status).toBe(404);
    }
  });
});
