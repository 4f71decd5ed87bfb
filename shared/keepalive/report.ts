/**
 * What one keep-alive invocation did to each connection. A superset of the ledger's KeepAliveOutcome:
 * the extra outcomes are the runs that wrote no keep-alive result (nothing live, a newer token, death).
 */
export const KEEP_ALIVE_RUN_OUTCOMES = [
  'not-live', // missing, expired or revoked: nothing to keep alive, nothing written, nothing called
  'skipped', // used recently enough: no call needed
  'touched', // a cheap signed call kept it active
  'renewed', // it was idle; renew_access_token revived it and a signed call proved it
  'failed', // see errorCode; counted in the ledger's failure streak (unless the write itself failed)
  'died', // E*TRADE called the token dead: a human must log in again
  'superseded', // a newer token was recorded meanwhile: this run's result was not written
] as const;
export type KeepAliveRunOutcome = (typeof KEEP_ALIVE_RUN_OUTCOMES)[number];

export interface ConnectionKeepAlive {
  readonly connectionId: string;
  /** The generation read at the start of the run; every write named it. */
  readonly generation: number;
  readonly outcome: KeepAliveRunOutcome;
  /**
   * Stable `ERR_…` code of the failure or of E*TRADE's death verdict; also on a `superseded` run
   * that failed, to say what was not recorded.
   */
  readonly errorCode?: string;
}

export interface KeepAliveReport {
  /** ISO 8601, from the injected clock. */
  readonly startedAt: string;
  /** Wall time of the whole invocation (monotonic, not the injected clock). */
  readonly durationMs: number;
  readonly connections: readonly ConnectionKeepAlive[];
  readonly counts: Readonly<Record<KeepAliveRunOutcome, number>>;
}

export function countOutcomes(
  connections: readonly ConnectionKeepAlive[],
): Record<KeepAliveRunOutcome, number> {
  const counts = Object.fromEntries(KEEP_ALIVE_RUN_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    KeepAliveRunOutcome,
    number
  >;
  for (const { outcome } of connections) counts[outcome] += 1;
  return counts;
}
