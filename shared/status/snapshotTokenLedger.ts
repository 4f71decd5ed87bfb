import type { Clock } from '../ports/clock';
import type {
  ChatAlert,
  FlowClaim,
  FlowSummary,
  GenerationWrite,
  IssueCommand,
  IssueResult,
  KeepAliveHealth,
  KeepAliveResult,
  PendingFlow,
  TokenLedger,
  TokenRecord,
} from '../ports/tokenLedger';

/** Connection records as status reads them, with when that read began. */
export interface LedgerSnapshot {
  readonly records: readonly TokenRecord[];
  /** The clock when the read behind these records began: the records are at least this fresh. */
  readonly asOf: Date;
}

/** What status needs from the ledger: the records, possibly from a recent read shared with others. */
export interface LedgerSnapshots {
  snapshot(connectionIds: readonly string[]): Promise<LedgerSnapshot>;
}

export interface SnapshotTokenLedgerOptions {
  /** How old a snapshot may be when served; 0 = every snapshot is a read of its own. */
  readonly maxAgeMs: number;
  /** Stamps `asOf`: the clock every other answer is computed on. */
  readonly clock: Clock;
  /**
   * Monotonic milliseconds that time the window; injected so tests can step it. Wall-clock steps (or
   * a test's hand-moved clock) must neither stretch nor shrink it.
   */
  readonly monotonicNow?: () => number;
}

interface Read {
  readonly key: string;
  readonly startedAt: number;
  readonly snapshot: Promise<LedgerSnapshot>;
}

/**
 * The instance's TokenLedger, unchanged for every caller, plus `snapshot()` for status: concurrent and
 * closely following status requests share one `getMany` (single flight) for at most `maxAgeMs`, so a
 * busy instance reads the store about once per window instead of once per request. Every connection
 * write through this ledger drops the snapshot when it returns (also when it fails: it may have
 * landed), so this process's own PIN exchange, keep-alive or touch shows on the next status at once.
 * Writes by other instances show within the window.
 */
export class SnapshotTokenLedger implements TokenLedger, LedgerSnapshots {
  private current: Read | undefined;
  private readonly now: () => number;

  constructor(
    private readonly inner: TokenLedger,
    private readonly options: SnapshotTokenLedgerOptions,
  ) {
    if (!Number.isInteger(options.maxAgeMs) || options.maxAgeMs < 0) {
      throw new RangeError(`maxAgeMs must be a non-negative integer, got ${options.maxAgeMs}`);
    }
    this.now = options.monotonicNow ?? (() => performance.now());
  }

  /** Not async: a request served from the snapshot gets the very promise the read made, no new one. */
  snapshot(connectionIds: readonly string[]): Promise<LedgerSnapshot> {
    const key = connectionIds.join('\n');
    const at = this.now();
    const current = this.current;
    // Joined only if it began within the window: a slow store never stretches a snapshot's age.
    if (current !== undefined && current.key === key && at - current.startedAt <= this.options.maxAgeMs) {
      return current.snapshot;
    }
    const asOf = this.options.clock.now();
    const read = {
      key,
      startedAt: at,
      snapshot: this.inner.getMany(connectionIds).then((records) => ({ records, asOf })),
    };
    if (this.options.maxAgeMs > 0) this.keep(read);
    return read.snapshot;
  }

  /** Drops the snapshot: the next status request reads the store. */
  invalidate(): void {
    this.current = undefined;
  }

  private keep(read: Read): void {
    this.current = read;
    // A failed read is never served to later requests; only those already waiting on it see the error.
    read.snapshot.catch(() => {
      if (this.current === read) this.current = undefined;
    });
  }

  /** After a write returns or fails, whatever snapshot was taken before it (or while it ran) is stale. */
  private async invalidating<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.invalidate();
    }
  }

  get(connectionId: string): Promise<TokenRecord> {
    return this.inner.get(connectionId);
  }

  getMany(connectionIds: readonly string[]): Promise<TokenRecord[]> {
    return this.inner.getMany(connectionIds);
  }

  recordIssued(command: IssueCommand): Promise<IssueResult> {
    return this.invalidating(this.inner.recordIssued(command));
  }

  recordUsed(connectionId: string, generation: number, at: Date): Promise<GenerationWrite<never>> {
    return this.invalidating(this.inner.recordUsed(connectionId, generation, at));
  }

  recordKeepAlive(
    connectionId: string,
    generation: number,
    result: KeepAliveResult,
  ): Promise<GenerationWrite<KeepAliveHealth>> {
    return this.invalidating(this.inner.recordKeepAlive(connectionId, generation, result));
  }

  recordDead(
    connectionId: string,
    generation: number,
    death: { readonly at: Date; readonly kind: 'revoked' | 'died' },
  ): Promise<GenerationWrite<never>> {
    return this.invalidating(this.inner.recordDead(connectionId, generation, death));
  }

  // Flows, markers and chat alerts are not part of a connection's record: status never shows them.
  createFlow(flow: PendingFlow): Promise<void> {
    return this.inner.createFlow(flow);
  }

  claimFlowAttempt(flowId: string, ownerSession: string, now: Date, maxAttempts: number): Promise<FlowClaim> {
    return this.inner.claimFlowAttempt(flowId, ownerSession, now, maxAttempts);
  }

  deleteFlow(flowId: string): Promise<void> {
    return this.inner.deleteFlow(flowId);
  }

  flowsOf(ownerSession: string): Promise<FlowSummary[]> {
    return this.inner.flowsOf(ownerSession);
  }

  recordChatAlert(alert: ChatAlert): Promise<void> {
    return this.inner.recordChatAlert(alert);
  }

  chatAlertsAbout(chatId: string, connectionId: string, now: Date): Promise<ChatAlert[]> {
    return this.inner.chatAlertsAbout(chatId, connectionId, now);
  }

  forgetChatAlert(chatId: string, messageId: number): Promise<void> {
    return this.inner.forgetChatAlert(chatId, messageId);
  }

  claimMarker(key: string, at: Date, expiresAt: Date, holder?: string): Promise<boolean> {
    return this.inner.claimMarker(key, at, expiresAt, holder);
  }

  releaseMarker(key: string, holder: string): Promise<boolean> {
    return this.inner.releaseMarker(key, holder);
  }
}
