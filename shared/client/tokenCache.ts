import type { Logger } from '../log';
import type { SecretVault } from '../ports/secretVault';
import type { TokenLedger } from '../ports/tokenLedger';
import { CurrentToken } from './currentToken';
import { TradingClientError } from './errors';

export interface TokenCacheOptions {
  readonly connectionId: string;
  readonly ledger: TokenLedger;
  readonly vault: SecretVault;
  readonly log: Logger;
}

/**
 * One connection's current pair, read from the vault by the version the ledger names (never "the
 * newest": that could be a token not recorded yet) and kept until something says it changed.
 * Concurrent first calls share one read.
 */
export class TokenCache {
  private cached?: CurrentToken;
  private loading?: { readonly epoch: number; readonly promise: Promise<CurrentToken> };
  /** Bumped by every invalidation, so a read that started before it cannot refill the cache. */
  private epoch = 0;
  /** The newest generation known to exist (events, the ledger): an older pair is never cached. */
  private newest = 0;

  constructor(private readonly options: TokenCacheOptions) {}

  current(): Promise<CurrentToken> {
    if (this.cached) return Promise.resolve(this.cached);
    if (this.loading?.epoch !== this.epoch) {
      const epoch = this.epoch;
      const promise = this.read(epoch).finally(() => {
        if (this.loading?.promise === promise) this.loading = undefined;
      });
      this.loading = { epoch, promise };
    }
    return this.loading!.promise;
  }

  invalidate(): void {
    this.epoch += 1;
    this.cached = undefined;
  }

  /** A newer generation exists: an older cached pair is dropped, and a read in flight will not keep one. */
  learnOf(generation: number): void {
    if (generation <= this.newest) return;
    this.newest = generation;
    if (this.cached && this.cached.generation < generation) this.invalidate();
  }

  /** E*TRADE refused `used`: the pair to try next, the same one if the ledger names nothing newer. */
  afterRejection(used: CurrentToken): Promise<CurrentToken> {
    // Another call may have reloaded already; only the refused pair is dropped.
    if (this.cached === used) this.invalidate();
    return this.current();
  }

  /** The ledger's record, then the vault version it names; once more if a renewal raced the two reads. */
  private async read(epoch: number): Promise<CurrentToken> {
    const { connectionId: id, ledger, vault, log } = this.options;
    for (let attempt = 0; ; attempt++) {
      const record = await ledger.get(id);
      const version = record.secretVersion;
      if (record.generation === 0 || version === undefined) {
        throw new TradingClientError(
          'ERR_NO_TOKEN',
          `connection ${id} has no token yet: log in with the PIN flow`,
        );
      }
      const stored = await vault.readTokenPair(id, version);
      if (!stored) {
        // A renewal may have recorded a newer version and disabled ours between the two reads.
        if (attempt === 0) continue;
        throw new TradingClientError(
          'ERR_TOKEN_UNREADABLE',
          `vault version ${version} of connection ${id} is not readable (disabled or destroyed)`,
        );
      }
      log.redact(stored.pair.token);
      log.redact(stored.pair.secret);
      const token = new CurrentToken(id, record.generation, version, stored.pair);
      // A read that raced a renewal returns the pair it found, but only a current one is kept.
      if (epoch === this.epoch && token.generation >= this.newest) this.cached = token;
      return token;
    }
  }
}
