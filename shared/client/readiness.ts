import { recordFacts, tokenTimeline, type TokenState } from '../lifecycle';
import type { TokenRecord } from '../ports/tokenLedger';
import { formatDuration, formatNewYorkTime } from './durations';

export interface Readiness {
  readonly ready: boolean;
  /** One line for a log or a chat: why (not), and what to do. Never token material. */
  readonly reason: string;
  /** The lifecycle state; `unknown` when the ledger could not be read. */
  readonly state: TokenState | 'unknown';
  readonly generation: number;
  readonly expiresAt?: Date;
  readonly idleAt?: Date;
}

/** What this process itself saw E*TRADE say about a generation. */
export interface Observation {
  readonly generation: number;
  readonly at: Date;
}

export interface ReadinessFacts {
  readonly record: TokenRecord;
  readonly now: Date;
  /** How long the caller needs the token to stay usable. */
  readonly minutes: number;
  /** E*TRADE answered token_expired / token_rejected to this process, with no newer token to try. */
  readonly rejected?: Observation & { readonly code: string };
  /** This process's last successful call. */
  readonly succeeded?: Observation;
  /** Why the pair the ledger names could not be read from the vault, if it could not. */
  readonly vaultProblem?: string;
}

const LOG_IN = 'log in with the PIN flow';

/**
 * Ready to trade for the next `minutes`? Derived from the lifecycle model (tokenTimeline over the
 * ledger's facts) plus what this process has seen itself, in the order a caller must care about:
 * dead before idle before failing before "expires too soon".
 */
export function judgeReadiness(facts: ReadinessFacts): Readiness {
  const { record, now, minutes } = facts;
  const timeline = tokenTimeline(recordFacts(record), now);
  const { state, expiresAt, idleAt } = timeline;
  const answer = (ready: boolean, reason: string): Readiness => ({
    ready,
    reason,
    state,
    generation: record.generation,
    ...(expiresAt ? { expiresAt } : {}),
    ...(idleAt ? { idleAt } : {}),
  });
  switch (state) {
    case 'missing':
      return answer(false, `no token — ${LOG_IN}`);
    case 'revoked':
      return answer(false, `token revoked — ${LOG_IN}`);
    case 'expired':
      if (expiresAt && now.getTime() >= expiresAt.getTime()) {
        return answer(false, `token expired at ${formatNewYorkTime(expiresAt)} — ${LOG_IN}`);
      }
      return answer(false, `E*TRADE ended the token${at(record.diedAt)} — ${LOG_IN}`);
  }
  const { rejected, succeeded, vaultProblem } = facts;
  if (rejected && rejected.generation === record.generation) {
    return answer(false, `E*TRADE rejected the token${at(rejected.at)} (${rejected.code}) — ${LOG_IN}`);
  }
  if (vaultProblem) return answer(false, `token not readable — ${vaultProblem}`);
  if (state === 'idle') return answer(false, 'token idle — keep-alive or renew needed');

  const secondsToExpiry = timeline.secondsToExpiry ?? 0;
  const expiry = `${formatNewYorkTime(expiresAt as Date)}, in ${formatDuration(secondsToExpiry)}`;
  if (secondsToExpiry < minutes * 60) return answer(false, `token expires at ${expiry}`);

  if (state === 'failing') {
    const streak = record.keepAlive.failureStreak;
    const last = record.keepAlive.lastErrorCode ? `, last ${record.keepAlive.lastErrorCode}` : '';
    // Our own call since the last failed run proves the token works: the keep-alive is what is broken.
    const lastRun = record.keepAlive.lastRunAt?.getTime() ?? -Infinity;
    const provenSince =
      succeeded && succeeded.generation === record.generation && succeeded.at.getTime() >= lastRun;
    if (!provenSince) return answer(false, `keep-alive failing (${streak} in a row${last})`);
    return answer(
      true,
      `ok: calls succeed though keep-alive failed ${streak} in a row${last}; expires in ${formatDuration(secondsToExpiry)}`,
    );
  }
  return answer(true, `ok: active, expires in ${formatDuration(secondsToExpiry)}`);
}

function at(instant: Date | undefined): string {
  return instant ? ` at ${formatNewYorkTime(instant)}` : '';
}

export function assertMinutes(minutes: number): void {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a finite number >= 0, got ${String(minutes)}`);
  }
}
