import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FileSecretVault } from '../../shared/adapters/local/fileSecretVault';
import { FileTokenLedger } from '../../shared/adapters/local/fileTokenLedger';
import { InProcessEventBus } from '../../shared/adapters/local/inProcessEventBus';
import { EtradeClients } from '../../shared/app/etradeClients';
import { type AppConfig, type ConnectionEntry, loadConfig } from '../../shared/config';
import type { TokenPair } from '../../shared/etrade/client';
import type { KeepAliveContext } from '../../shared/keepalive';
import { mapWithConcurrency } from '../../shared/keepalive/mapWithConcurrency';
import { encodeRecord, type InstantCodec } from '../../shared/ledger/storedForm';
import { applyIssued, emptyRecord } from '../../shared/ledger/transitions';
import { type Logger, jsonLogger, silentLogger } from '../../shared/log';
import { ManualClock } from '../../shared/ports/clock';
import type { TokenEvent } from '../../shared/ports/eventBus';
import type { TokenRecord } from '../../shared/ports/tokenLedger';
import { EtradeSimulator } from '../../shared/simulator';
import { nextNewYorkMidnight } from '../../shared/time/newYork';
import { RecordingNotifier } from '../support/recordingNotifier';
import { CANARY_CONSUMER } from '../support/simulatedEtrade';

export const MINUTE = 60_000;
/** Retries after the first attempt inside EtradeClient: a 5xx fault must hit 1 + RETRIES requests. */
export const RETRIES = 2;
const ISO: InstantCodec<string> = {
  encode: (at) => at.toISOString(),
  decode: (value) => new Date(String(value)),
};

export interface HarnessOptions {
  /** ISO instant the shared clock starts at. */
  readonly startAt: string;
  /** Connections added to the defaults (`prod`, `sandbox`), as ETRADE_CONNECTIONS entries. */
  readonly connections?: readonly ConnectionEntry[];
  /** Consumer secret ids the SecretReader does not know (→ ERR_CONSUMER_MISSING). */
  readonly missingConsumerSecrets?: readonly string[];
  /** Quiet logging for the scale test: jsonLogger masks every registered secret in every line. */
  readonly silent?: boolean;
}

/**
 * Every real part the keep-alive touches, on one hand-moved clock: the strict simulator over loopback
 * sockets, the file ledger and vault in a temp dir, the in-process bus, per-connection E*TRADE clients
 * built from a SecretReader that holds the simulator's consumer. Only retry sleeps are instant.
 */
export class KeepAliveHarness {
  readonly clock: ManualClock;
  readonly sim: EtradeSimulator;
  readonly notifier = new RecordingNotifier();
  readonly events = new InProcessEventBus();
  readonly published: TokenEvent[] = [];
  readonly logLines: string[] = [];
  /** Every token and token secret handed out, to prove none of them leaks. */
  readonly tokenMaterial: string[] = [];
  config!: AppConfig;
  ledger!: FileTokenLedger;
  vault!: FileSecretVault;
  /** The keep-alive's clients: their SecretReader may be missing a consumer. */
  etrade!: EtradeClients;
  /** The PIN flow's clients (another function instance): always configured. */
  private issuer!: EtradeClients;
  log!: Logger;
  private dir = '';

  private constructor(private readonly options: HarnessOptions) {
    this.clock = new ManualClock(options.startAt);
    this.sim = new EtradeSimulator({ consumers: [CANARY_CONSUMER], clock: () => this.clock.now().getTime() });
    this.events.subscribe((event) => void this.published.push(event));
  }

  static async start(options: HarnessOptions): Promise<KeepAliveHarness> {
    const harness = new KeepAliveHarness(options);
    await harness.init();
    return harness;
  }

  private async init(): Promise<void> {
    await this.sim.start();
    this.dir = await mkdtemp(path.join(tmpdir(), 'keepalive-'));
    this.config = loadConfig({
      ETRADE_CONNECTIONS: JSON.stringify(this.options.connections ?? []),
      ETRADE_OAUTH_BASE: this.sim.url,
      ETRADE_API_BASE: this.sim.url,
      ETRADE_AUTHORIZE_BASE: this.sim.authorizeUrlBase,
      KEEPALIVE_LEAD_MINUTES: '90',
    });
    this.ledger = new FileTokenLedger(this.ledgerPath, { clock: this.clock });
    this.vault = new FileSecretVault(path.join(this.dir, 'vault'), this.clock);
    this.log = this.options.silent ? silentLogger : jsonLogger((line) => void this.logLines.push(line));
    const missing = new Set(this.options.missingConsumerSecrets ?? []);
    const clients = (known: (id: string) => boolean) =>
      new EtradeClients({
        secrets: { read: async (id) => (known(id) ? JSON.stringify(CANARY_CONSUMER) : undefined) },
        clock: this.clock,
        log: this.log,
        retry: { retries: RETRIES, baseDelayMs: 100, maxDelayMs: 1000 },
        sleep: async () => undefined,
        timeoutMs: 10_000,
      });
    this.etrade = clients((id) => !missing.has(id));
    this.issuer = clients(() => true);
  }

  get ctx(): KeepAliveContext {
    const { config, clock, ledger, vault, events, notifier, etrade, log } = this;
    return { config, clock, ledger, vault, events, notifier, etrade, log };
  }

  get ledgerPath(): string {
    return path.join(this.dir, 'ledger.json');
  }

  get vaultDirectory(): string {
    return path.join(this.dir, 'vault');
  }

  /**
   * A real PIN flow against the simulator (request token → the authorize page's approve → access
   * token), then what the exchange use case stores: a vault version and a new ledger generation.
   */
  async issue(connectionId: string): Promise<{ pair: TokenPair; record: TokenRecord }> {
    const pair = await this.accessToken(connectionId);
    const secretVersion = await this.vault.putTokenPair(connectionId, pair);
    const issuedAt = this.clock.now();
    const result = await this.ledger.recordIssued({
      connectionId,
      secretVersion,
      issuedAt,
      expiresAt: nextNewYorkMidnight(issuedAt),
    });
    if (result.outcome !== 'applied') throw new Error(`issue(${connectionId}) was superseded`);
    return { pair, record: result.record };
  }

  /**
   * `issue` for many connections at once, for the scale test: tokens through the simulator's login
   * path and one vault version each, as `issue` does, but the ledger written as ONE file in
   * FileTokenLedger's stored form (records from the shared transitions) instead of 1,000 whole-file
   * rewrites. Read back through the adapter, so a format drift fails here, loudly.
   */
  async issueMany(connectionIds: readonly string[], concurrency: number): Promise<TokenRecord[]> {
    const issuedAt = this.clock.now();
    const versions = await mapWithConcurrency(connectionIds, concurrency, async (id) =>
      this.vault.putTokenPair(id, await this.accessToken(id)),
    );
    const encoded = connectionIds.map((connectionId, i) => {
      const command = {
        connectionId,
        secretVersion: versions[i],
        issuedAt,
        expiresAt: nextNewYorkMidnight(issuedAt),
      };
      return [
        connectionId,
        encodeRecord(applyIssued(emptyRecord(connectionId), command).record, ISO),
      ] as const;
    });
    await writeFile(
      this.ledgerPath,
      JSON.stringify({ connections: Object.fromEntries(encoded), flows: {}, markers: {} }),
      { mode: 0o600 },
    );
    const records = await this.ledger.getMany(connectionIds);
    if (records.some((record) => record.generation !== 1)) throw new Error('ledger seed was not read back');
    return records;
  }

  /** Only the E*TRADE half of `issue`: a live access token the ledger knows nothing about. */
  async accessToken(connectionId: string): Promise<TokenPair> {
    const connection = this.config.connections.find((c) => c.id === connectionId);
    if (!connection) throw new Error(`no connection ${connectionId}`);
    const client = await this.issuer.forConnection(connection);
    const request = await client.getRequestToken();
    const pair = await client.getAccessToken(request, this.sim.approve(request.token));
    this.tokenMaterial.push(pair.token, pair.secret);
    return pair;
  }

  /** Requests the simulator answered since `from` (an index into its log), as `path status`. */
  requestsSince(from: number): string[] {
    return this.sim.requests.slice(from).map((r) => `${r.path} ${r.status}`);
  }

  /** Events reach subscribers asynchronously, as on Pub/Sub. */
  async settled(): Promise<TokenEvent[]> {
    await this.events.settled();
    return this.published;
  }

  /** Everything that left the system in words: notices, events and log lines. */
  async outgoingText(): Promise<string> {
    await this.settled();
    return JSON.stringify([this.notifier.notices, this.published, this.logLines]);
  }

  async close(): Promise<void> {
    await this.events.settled();
    await this.sim.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
