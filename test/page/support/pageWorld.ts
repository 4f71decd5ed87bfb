import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startLocalSystem, type LocalSystem } from '../../../shared/local/system';
import { ManualClock } from '../../../shared/ports/clock';
import type { Notice } from '../../../shared/ports/notifier';

const REPO = join(__dirname, '..', '..', '..');

/** Builds the page exactly as `npm run build:web` does, into a directory of the test's own. */
export function buildPage(outDir: string): void {
  execFileSync(process.execPath, [join(REPO, 'hosting', 'build.mjs'), '--out', outDir], {
    cwd: REPO,
    stdio: 'pipe',
  });
}

/**
 * The local system (gateway with firebase.json's rewrites and headers, the functions, the E*TRADE
 * simulator) serving a fresh build of the page, on a clock the test moves, with notices captured.
 */
export class PageWorld {
  private constructor(
    readonly system: LocalSystem,
    readonly clock: ManualClock,
    /** What the system sent the trader's chat (sign-in links among them). */
    readonly notices: Notice[],
    private readonly dir: string,
  ) {}

  static async start(startAt: string): Promise<PageWorld> {
    const dir = await mkdtemp(join(tmpdir(), 'etrade-oauth-page-'));
    const publicDir = join(dir, 'public');
    buildPage(publicDir);
    const clock = new ManualClock(startAt);
    const notices: Notice[] = [];
    const system = await startLocalSystem({
      port: 0,
      simPort: 0,
      dataDir: join(dir, 'data'),
      publicDir,
      clock,
      notifier: { send: async (notice) => void notices.push(notice) },
      schedule: false,
      // Nothing from the developer's shell (real E*TRADE keys, GCP settings) reaches the test system.
      env: {},
    });
    return new PageWorld(system, clock, notices, dir);
  }

  get url(): string {
    return this.system.url;
  }

  /** Opens a fresh single-use sign-in link and waits for the token page. */
  async signIn(page: Page): Promise<void> {
    await page.goto(await this.system.loginLink());
    await page.waitForURL(`${this.url}/`);
    await page.locator('#hero').waitFor();
  }

  /** A new token for `connection` the way a machine client gets one: API key, simulator approval. */
  async renewViaApi(connection: string): Promise<{ generation: number }> {
    const flow = await this.post<{ flowId: string; authorizeUrl: string }>('/api/request-token', {
      connection,
    });
    const requestToken = new URL(flow.authorizeUrl).searchParams.get('token');
    if (!requestToken || !this.system.simulator) throw new Error(`No request token in ${flow.authorizeUrl}`);
    const pin = this.system.simulator.approve(requestToken);
    return this.post('/api/exchange-pin', { flowId: flow.flowId, pin });
  }

  /** Reports a use of the token, as the trading system does after each call (POST /touch). */
  async touch(connection: string): Promise<void> {
    await this.post('/touch', { connection });
  }

  async status(): Promise<{ connections: { id: string; state: string; generation: number }[] }> {
    const response = await fetch(`${this.url}/status`, {
      headers: { Authorization: `Bearer ${this.system.apiKey}` },
    });
    if (!response.ok) throw new Error(`/status answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { connections: { id: string; state: string; generation: number }[] };
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.system.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  async close(): Promise<void> {
    await this.system.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
