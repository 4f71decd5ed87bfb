import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type ContextOverrides } from '../../shared/app/createContext';
import type { AppContext } from '../../shared/app/context';
import { EtradeClients } from '../../shared/app/etradeClients';
import { FileSecretReader } from '../../shared/adapters/local/fileSecretReader';
import { generateApiKey } from '../../shared/auth';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { jsonLogger } from '../../shared/log';
import { RecordingNotifier } from './recordingNotifier';
import { CANARY_CONSUMER, SimulatedEtrade } from './simulatedEtrade';

/** Recognisable, and long enough for the auth module's minimum. */
export const LOGIN_LINK_KEY = 'CANARY-login-link-key-0123456789abcdef';

/**
 * The system on its embedded defaults (file ledger, file vault, in-process events) wired to the
 * strict simulator, sharing one hand-moved clock, with captured logs and notices.
 */
export class LocalWorld {
  readonly logs: string[] = [];
  readonly notices = new RecordingNotifier();
  /** The machine client's key (the store holds only its hash). */
  readonly api = generateApiKey();
  ctx!: AppContext;
  /** Where the embedded stores live. */
  dir!: string;

  private constructor(readonly etrade: SimulatedEtrade) {}

  /** `overrides`: extra environment; `ports`: adapters of the test's own (e.g. a real Firestore ledger). */
  static async start(
    startAt: string,
    overrides: Record<string, string> = {},
    ports: ContextOverrides = {},
  ): Promise<LocalWorld> {
    const world = new LocalWorld(await new SimulatedEtrade(startAt).start());
    world.dir = await mkdtemp(join(tmpdir(), 'etrade-oauth-world-'));
    const consumer = JSON.stringify(CANARY_CONSUMER);
    await writeFile(
      join(world.dir, 'secrets.json'),
      JSON.stringify({
        'etrade-oauth-prod-consumer': consumer,
        'etrade-oauth-sandbox-consumer': consumer,
        [SECRET_IDS.loginLinkKey]: LOGIN_LINK_KEY,
        [SECRET_IDS.apiKeyHash]: world.api.hash,
      }),
      { mode: 0o600 },
    );
    const sim = world.etrade.sim;
    const clock = { now: () => new Date(world.etrade.now) };
    const log = jsonLogger((line) => world.logs.push(line));
    const env = {
      LOCAL_DATA_DIR: world.dir,
      ETRADE_OAUTH_BASE: sim.url,
      ETRADE_API_BASE: sim.url,
      ETRADE_AUTHORIZE_BASE: sim.authorizeUrlBase,
      ...overrides,
    };
    const secrets = new FileSecretReader(join(world.dir, 'secrets.json'));
    // Instant retry sleeps: backoff is tested in the client's own tests.
    const etrade = new EtradeClients({ secrets, clock, log, sleep: async () => undefined });
    world.ctx = createContext(env, { clock, log, secrets, etrade, notifier: world.notices, ...ports });
    return world;
  }

  advance(ms: number): void {
    this.etrade.advance(ms);
  }

  async close(): Promise<void> {
    await this.etrade.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
