import type { TokenRecord } from '../ports/tokenLedger';
import type { TokenFacts } from './tokenTimeline';

/** The lifecycle facts a ledger record holds: the one mapping from storage to the model. */
export function recordFacts(record: TokenRecord): TokenFacts {
  return {
    issuedAt: record.issuedAt,
    lastUsedAt: record.lastUsedAt,
    lastRenewedAt: record.lastRenewedAt,
    revokedAt: record.revokedAt,
    diedAt: record.diedAt,
    keepAliveFailureStreak: record.keepAlive.failureStreak,
  };
}
