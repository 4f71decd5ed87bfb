import { stableCode } from '../keepalive/errorCode';
import type { Logger } from '../log';
import type { TokenLedger } from '../ports/tokenLedger';

export interface UsageRecorderOptions {
  readonly connectionId: string;
  readonly ledger: TokenLedger;
  readonly throttleMs: number;
  readonly log: Logger;
  /** Told when the ledger refused a write because it names a newer generation. */
  readonly onSuperseded: (generation: number) => void;
}

/**
 * Tells the ledger the token was used, so the keep-alive skips a token the trading system keeps busy.
 * At most one write per `throttleMs` for a generation (a new generation writes at once), in the
 * background: a trading call never waits for the ledger, and a failed write is logged, not thrown.
 */
export class UsageRecorder {
  private last?: { readonly generation: number; readonly at: number };
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: UsageRecorderOptions) {}

  used(generation: number, at: Date): void {
    const { last } = this;
    if (last && last.generation === generation && at.getTime() - last.at < this.options.throttleMs) return;
    // Claimed before the write starts, so concurrent calls do not write twice.
    this.last = { generation, at: at.getTime() };
    const { connectionId, ledger, log, onSuperseded } = this.options;
    const write = ledger.recordUsed(connectionId, generation, at).then(
      (result) => {
        if (!result.applied && result.record.generation > generation) onSuperseded(result.record.generation);
      },
      (error: unknown) =>
        log.warn('trading_client.usage_not_recorded', {
          connection: connectionId,
          generation,
          code: stableCode(error, 'ERR_STORE_UNAVAILABLE'),
        }),
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
