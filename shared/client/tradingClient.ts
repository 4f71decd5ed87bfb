import type { EtradeEndpoints } from '../etrade/endpoints';
import { type EtradeErrorCode, isEtradeError } from '../etrade/errors';
import type { RetryPolicy } from '../etrade/retry';
import { parseAccountList, parseBalance } from '../etrade/responses';
import type { EtradeAccount, EtradeBalance } from '../etrade/types';
import { type Logger, silentLogger } from '../log';
import type { Consumer, TokenPair } from '../oauth1/signer';
import { type Clock, systemClock } from '../ports/clock';
import type { TokenEvent } from '../ports/eventBus';
import { assertConnectionId, type SecretVault } from '../ports/secretVault';
import type { TokenLedger } from '../ports/tokenLedger';
import type { CurrentToken } from './currentToken';
import { isTradingClientError } from './errors';
import { type Readiness, assertMinutes, judgeReadiness } from './readiness';
import {
  type HttpMethod,
  type RequestOptions,
  type SignedResponse,
  SignedTransport,
} from './signedTransport';
import { TokenCache } from './tokenCache';
import { UsageRecorder } from './usageRecorder';

/** At most one `recordUsed` write per minute: the 2-hour idle clock does not need more. */
export const DEFAULT_USAGE_THROTTLE_MS = 60_000;

/** Where token events come from; InProcessEventBus.subscribe fits, and so does any push source. */
export interface TokenEventSource {
  subscribe(handler: (event: TokenEvent) => void | Promise<void>): () => void;
}

export interface TradingClientOptions {
  readonly connectionId: string;
  /** Holds the pair; read by the version the ledger names, never "the newest". */
  readonly vault: SecretVault;
  /** Names the current generation and version; receives usage. */
  readonly ledger: TokenLedger;
  readonly consumer: Consumer;
  readonly endpoints: EtradeEndpoints;
  /** Subscribed at once; without it, wire your subscription to `onTokenEvent` (see subscribeToTokenEvents). */
  readonly events?: TokenEventSource;
  readonly clock?: Clock;
  /** Minimum time between two usage writes for one generation; 0 writes after every call. */
  readonly usageThrottleMs?: number;
  /** Receives `trading_client.*` events; token values are registered for redaction. */
  readonly log?: Logger;
  readonly http?: {
    readonly timeoutMs?: number;
    readonly retry?: RetryPolicy;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly random?: () => number;
  };
}

/** The answers that mean "this pair is dead": a newer one may be in the vault already. */
const DEAD_TOKEN_CODES: ReadonlySet<EtradeErrorCode> = new Set(['ERR_TOKEN_EXPIRED', 'ERR_TOKEN_REJECTED']);

export function createTradingClient(options: TradingClientOptions): TradingClient {
  return new TradingClient(options);
}

/**
 * What the automated trading system holds to use a connection's current token: signed calls through
 * the one signer, the pair cached until a `token.renewed` event or E*TRADE's 401 says it changed, usage
 * recorded for the keep-alive (throttled), and a readiness check worded for people.
 */
export class TradingClient {
  readonly connectionId: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly transport: SignedTransport;
  private readonly usage: UsageRecorder;
  private readonly unsubscribe?: () => void;
  private readonly tokens: TokenCache;
  private rejected?: { generation: number; at: Date; code: string };
  private succeeded?: { generation: number; at: Date };

  constructor(private readonly options: TradingClientOptions) {
    assertConnectionId(options.connectionId);
    assertConsumer(options.consumer);
    const throttleMs = options.usageThrottleMs ?? DEFAULT_USAGE_THROTTLE_MS;
    if (!Number.isFinite(throttleMs) || throttleMs < 0) {
      throw new RangeError(`usageThrottleMs must be a finite number >= 0, got ${throttleMs}`);
    }
    this.connectionId = options.connectionId;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.transport = new SignedTransport({
      consumer: options.consumer,
      clock: () => this.clock.now().getTime(),
      log: this.log,
      ...options.http,
    });
    this.tokens = new TokenCache({
      connectionId: this.connectionId,
      ledger: options.ledger,
      vault: options.vault,
      log: this.log,
    });
    this.usage = new UsageRecorder({
      connectionId: this.connectionId,
      ledger: options.ledger,
      throttleMs,
      log: this.log,
      // The ledger already names a newer generation: our cached pair is stale.
      onSuperseded: (generation) => this.tokens.learnOf(generation),
    });
    this.unsubscribe = options.events?.subscribe((event) => this.onTokenEvent(event));
  }

  /** The current pair, from the vault by the ledger's version; cached until it changes. */
  currentToken(): Promise<CurrentToken> {
    return this.tokens.current();
  }

  /** Wire the app's token-event subscription here; events for other connections are ignored. */
  onTokenEvent(event: TokenEvent): void {
    if (event.connectionId !== this.connectionId || event.type !== 'token.renewed') return;
    this.log.info('trading_client.token_renewed', {
      connection: this.connectionId,
      generation: event.generation,
    });
    this.tokens.learnOf(event.generation);
  }

  /** Forgets the cached pair: the next call reads the ledger and the vault again. */
  invalidate(): void {
    this.tokens.invalidate();
  }

  /**
   * A signed call with the current token. On E*TRADE's token_expired / token_rejected the pair is
   * reloaded once and, if the ledger names a newer one, the call is retried once with it.
   */
  request(method: HttpMethod, url: string, options: RequestOptions = {}): Promise<SignedResponse> {
    return this.withToken((pair) => this.transport.send(method, url, pair, options));
  }

  /** Open accounts only (E*TRADE keeps CLOSED ones in the list). */
  async listAccounts(): Promise<EtradeAccount[]> {
    const { apiBase } = this.options.endpoints;
    const answer = await this.request('GET', `${apiBase}/v1/accounts/list`, { operation: 'accounts_list' });
    return parseAccountList(answer.body).filter((account) => account.accountStatus !== 'CLOSED');
  }

  async getBalance(accountIdKey: string): Promise<EtradeBalance> {
    if (typeof accountIdKey !== 'string' || accountIdKey === '') {
      throw new TypeError('accountIdKey must be a non-empty string');
    }
    const url = `${this.options.endpoints.apiBase}/v1/accounts/${encodeURIComponent(accountIdKey)}/balance`;
    const query = { instType: 'BROKERAGE', realTimeNAV: 'true' };
    return parseBalance((await this.request('GET', url, { query, operation: 'balance' })).body);
  }

  /**
   * Will the token stay usable for the next `minutes`? Reads the ledger afresh (and the vault when the
   * cached pair is stale); never throws for the token's state — the reason says what is wrong.
   */
  async isReadyToTrade(minutes = 0): Promise<Readiness> {
    assertMinutes(minutes);
    const now = this.clock.now();
    let record;
    try {
      record = await this.options.ledger.get(this.connectionId);
    } catch (error) {
      return {
        ready: false,
        reason: `token ledger unreadable (${codeOf(error)})`,
        state: 'unknown',
        generation: 0,
      };
    }
    let vaultProblem: string | undefined;
    if (record.generation > 0) {
      this.tokens.learnOf(record.generation);
      try {
        await this.currentToken();
      } catch (error) {
        if (!isTradingClientError(error)) {
          return {
            ready: false,
            reason: `token vault unreadable (${codeOf(error)})`,
            state: 'unknown',
            generation: record.generation,
          };
        }
        vaultProblem = error.message;
      }
    }
    return judgeReadiness({
      record,
      now,
      minutes,
      rejected: this.rejected,
      succeeded: this.succeeded,
      vaultProblem,
    });
  }

  /** Resolves once usage writes already started have finished (they run in the background). */
  flush(): Promise<void> {
    return this.usage.flush();
  }

  /** Stops listening for events and waits for pending usage writes. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.flush();
  }

  private async withToken<T>(call: (pair: TokenPair) => Promise<T>): Promise<T> {
    let token = await this.currentToken();
    for (let retried = false; ; retried = true) {
      const startedAt = this.clock.now();
      try {
        const result = await call(token.pair);
        this.succeeded = { generation: token.generation, at: startedAt };
        if (this.rejected?.generation === token.generation) this.rejected = undefined;
        this.usage.used(token.generation, startedAt);
        return result;
      } catch (error) {
        if (!isEtradeError(error) || !DEAD_TOKEN_CODES.has(error.code)) throw error;
        const fresh = retried ? token : await this.tokens.afterRejection(token);
        if (fresh.secretVersion === token.secretVersion) {
          // Nothing newer to try: the same pair would be refused again.
          this.rejected = { generation: token.generation, at: this.clock.now(), code: error.code };
          throw error;
        }
        this.log.info('trading_client.token_reloaded', {
          connection: this.connectionId,
          from: token.generation,
          to: fresh.generation,
          code: error.code,
        });
        token = fresh;
      }
    }
  }
}

function assertConsumer(consumer: Consumer): void {
  if (
    typeof consumer !== 'object' ||
    consumer === null ||
    typeof consumer.key !== 'string' ||
    consumer.key === '' ||
    typeof consumer.secret !== 'string' ||
    consumer.secret === ''
  ) {
    throw new TypeError('consumer.key and consumer.secret must be non-empty strings');
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : 'ERR_STORE_UNAVAILABLE';
}
