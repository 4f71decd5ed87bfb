/**
 * What the system knows about each connection's token, its pending PIN flows and its once-per-day
 * markers: everything but the token material itself (that is the SecretVault's).
 *
 * Single writer, newest wins: every write names the generation (or secret version) it was decided
 * on, and the ledger applies it inside a transaction only if that is still the current one. A slow
 * keep-alive therefore can never overwrite a newer token's record.
 */

export const KEEP_ALIVE_OUTCOMES = [
  'skipped', // used recently enough: no call needed
  'touched', // a cheap signed call kept it active
  'renewed', // it was idle; renew_access_token revived it (and a signed call verified it)
  'failed',
] as const;
export type KeepAliveOutcome = (typeof KEEP_ALIVE_OUTCOMES)[number];

export interface KeepAliveHealth {
  readonly lastRunAt?: Date;
  readonly lastOutcome?: KeepAliveOutcome;
  /** EtradeError code (or other stable code) of the last failure. */
  readonly lastErrorCode?: string;
  readonly lastSuccessAt?: Date;
  /**
   * Consecutive failed runs for the current generation; 0 after any success, and after a use later
   * than the last failed run (the trading system's calls prove the token works; ledger/transitions.ts).
   */
  readonly failureStreak: number;
}

export interface RenewalEntry {
  readonly generation: number;
  readonly secretVersion: string;
  readonly issuedAt: Date;
}

export interface TokenRecord {
  readonly connectionId: string;
  /** 0 until the first PIN exchange; +1 for each stored token. */
  readonly generation: number;
  readonly secretVersion?: string;
  readonly issuedAt?: Date;
  readonly expiresAt?: Date;
  readonly lastUsedAt?: Date;
  readonly lastRenewedAt?: Date;
  readonly revokedAt?: Date;
  /** E*TRADE reported this generation dead (token_expired / token_rejected) before its midnight. */
  readonly diedAt?: Date;
  readonly keepAlive: KeepAliveHealth;
  /** Newest first, bounded (RENEWAL_HISTORY_LIMIT). */
  readonly history: readonly RenewalEntry[];
}

export const RENEWAL_HISTORY_LIMIT = 30;

export interface IssueCommand {
  readonly connectionId: string;
  /** The vault version that holds the new pair. */
  readonly secretVersion: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export type IssueResult =
  | { readonly outcome: 'applied'; readonly record: TokenRecord }
  /** A token stored in a newer (or the same) vault version is already recorded: newest wins. */
  | { readonly outcome: 'superseded'; readonly record: TokenRecord };

export interface KeepAliveResult {
  readonly at: Date;
  readonly outcome: KeepAliveOutcome;
  readonly errorCode?: string;
}

export interface GenerationWrite<T> {
  /** False when the record's generation is no longer the one the caller read: nothing was written. */
  readonly applied: boolean;
  readonly record: TokenRecord;
  /** Only for applied keep-alive writes: the health before this write (to detect "recovered"). */
  readonly previous?: T;
}

export interface PendingFlow {
  readonly id: string;
  readonly connectionId: string;
  readonly requestToken: string;
  readonly requestSecret: string;
  /** The session that started the flow; only it may finish it. */
  readonly ownerSession: string;
  readonly createdAt: Date;
  /** E*TRADE request tokens live 5 minutes; also the store's TTL. */
  readonly expiresAt: Date;
  readonly attempts: number;
}

/** A pending flow without its request token: enough for a chat to match a pasted code to it. */
export interface FlowSummary {
  readonly id: string;
  readonly connectionId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly attempts: number;
}

/**
 * A flow stays listed (flowsOf) this long after it expired, so a code pasted after the 5-minute window
 * is answered "the window closed" rather than "no login in progress". It is never usable meanwhile.
 */
export const FLOW_KEPT_AFTER_EXPIRY_MS = 60 * 60_000;

/**
 * A chat alert with renew buttons, remembered so that it can be edited once its connections are
 * renewed (the chat never shows a stale "renew now"). Holds no link: the notice is kept as built,
 * and an edit makes fresh links for the buttons that remain.
 */
export interface ChatAlert {
  readonly chatId: string;
  readonly messageId: number;
  /** The connections its buttons renew: what it is found by. */
  readonly connectionIds: readonly string[];
  /** The notice as built (before any link was made), as JSON. */
  readonly notice: string;
  readonly sentAt: Date;
  /** Remembered until then (the store's TTL); an older alert is left as it is. */
  readonly expiresAt: Date;
}

export type FlowClaim =
  | { readonly ok: true; readonly flow: PendingFlow }
  /** `not_found` also covers another session's flow: a stranger learns nothing about it. */
  | { readonly ok: false; readonly reason: 'not_found' | 'expired' | 'exhausted' };

export interface TokenLedger {
  /** The connection's record; a never-issued connection gets generation 0 and an empty history. */
  get(connectionId: string): Promise<TokenRecord>;
  getMany(connectionIds: readonly string[]): Promise<TokenRecord[]>;

  /**
   * Records a stored token: generation + 1, secretVersion, issuedAt, expiresAt, lastUsedAt = issuedAt,
   * cleared revokedAt/diedAt/keep-alive streak, history entry. Superseded (nothing written) when the
   * record already names a vault version >= this one.
   */
  recordIssued(command: IssueCommand): Promise<IssueResult>;
  /** The trading system (or a keep-alive) used the token at `at`; lastUsedAt only moves forward. */
  recordUsed(connectionId: string, generation: number, at: Date): Promise<GenerationWrite<never>>;
  /** Records one keep-alive run; touched/renewed also move lastUsedAt (renewed: lastRenewedAt). */
  recordKeepAlive(
    connectionId: string,
    generation: number,
    result: KeepAliveResult,
  ): Promise<GenerationWrite<KeepAliveHealth>>;
  /**
   * Marks the generation dead (`revoked` sets revokedAt, `died` sets diedAt). Applied only the first
   * time, so callers notify exactly once.
   */
  recordDead(
    connectionId: string,
    generation: number,
    death: { readonly at: Date; readonly kind: 'revoked' | 'died' },
  ): Promise<GenerationWrite<never>>;

  /** Stores a new pending PIN flow; rejects a duplicate id. */
  createFlow(flow: PendingFlow): Promise<void>;
  /** Counts one PIN attempt against the flow (transaction) and returns it if still usable. */
  claimFlowAttempt(flowId: string, ownerSession: string, now: Date, maxAttempts: number): Promise<FlowClaim>;
  /** Removes a finished flow (its request token is single-use). */
  deleteFlow(flowId: string): Promise<void>;
  /**
   * The owner's stored flows, oldest first: live ones, and expired ones for FLOW_KEPT_AFTER_EXPIRY_MS
   * at least (a store may keep them longer, until its TTL runs). Never the request token.
   */
  flowsOf(ownerSession: string): Promise<FlowSummary[]>;

  /** Remembers a chat alert (replacing one with the same chat and message id). */
  recordChatAlert(alert: ChatAlert): Promise<void>;
  /** The chat's remembered alerts with a button for the connection, unexpired at `now`, oldest first. */
  chatAlertsAbout(chatId: string, connectionId: string, now: Date): Promise<ChatAlert[]>;
  /** Forgets an alert (done, or gone from the chat); forgetting an unknown one is not an error. */
  forgetChatAlert(chatId: string, messageId: number): Promise<void>;

  /**
   * Creates the marker if absent (transaction): true for the first caller only. Used for once-per-day
   * alerts and single-use login links under at-least-once delivery. `expiresAt` is the store's TTL.
   * `holder` (a fresh random id per claim) is stored with it so that this claim, and only this
   * claim, can be given back with `releaseMarker`; a marker claimed without one is never released.
   */
  claimMarker(key: string, at: Date, expiresAt: Date, holder?: string): Promise<boolean>;
  /**
   * Gives a claim back (compare-and-delete, in a transaction): removes the marker only while it is
   * still the one `holder` claimed, so that the next caller can claim it. False, and nothing
   * changed, when the marker is gone, already released, or held by another claim (a later one that
   * took it over after expiry, or one made without a holder).
   */
  releaseMarker(key: string, holder: string): Promise<boolean>;
}
