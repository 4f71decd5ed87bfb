import { assertInstant } from '../time/calendarDate';
import { nextNewYorkMidnight } from '../time/newYork';
import { type LifecyclePolicy, resolvePolicy } from './lifecyclePolicy';
import type { TokenState } from './tokenStates';

/** What the store knows about one connection's current access token. */
export interface TokenFacts {
  issuedAt?: Date;
  lastUsedAt?: Date;
  lastRenewedAt?: Date;
  /** Only counts when at or after `issuedAt`: an older value belongs to a token since replaced. */
  revokedAt?: Date;
  /** E*TRADE called the token dead (token_expired / token_rejected) before its midnight. */
  diedAt?: Date;
  keepAliveFailureStreak: number;
}

/**
 * The token's state at `now` and the instants that matter next. Dead states (`revoked`, `expired`)
 * carry only `expiresAt`: nothing is due for a dead token. Live states carry every field; instants
 * already passed stay in the past (an idle token's `keepAliveDueAt` says how overdue it is) and the
 * countdowns stop at 0. `idleAt` may fall after `expiresAt`: the token then expires first.
 */
export interface TokenTimeline {
  state: TokenState;
  expiresAt?: Date;
  idleAt?: Date;
  keepAliveDueAt?: Date;
  /** Whole seconds, rounded up, so 0 exactly when the instant has been reached. */
  secondsToExpiry?: number;
  secondsToIdle?: number;
}

/**
 * Derives the token's state from stored facts and an injected `now`; no clock, no process time zone.
 * Facts later than `now` (another instance's clock a little ahead) are taken at face value.
 */
export function tokenTimeline(
  facts: TokenFacts,
  now: Date,
  policy: Partial<LifecyclePolicy> = {},
): TokenTimeline {
  const { idleAfterMs, keepAliveLeadMs, failingAfterStreak } = resolvePolicy(policy);
  assertFacts(facts);
  assertInstant(now, 'now');

  const { issuedAt, revokedAt, diedAt } = facts;
  if (!issuedAt) return { state: 'missing' };

  // The absolute instant of the next New York midnight (ETRADE.md trap 5). Renewing never moves it.
  const expiresAt = nextNewYorkMidnight(issuedAt);

  // Precedence: the state that limits what a caller can do the most wins, because its remedy covers
  // the others. revoked > expired: both need a new PIN, but revocation was deliberate, is permanent
  // even before midnight, and explains why the token died. expired > idle: renew revives an idle
  // token but not an expired one. idle > failing: a failure streak usually leads to idle, and once
  // idle the token is unusable until renewed, which callers must know before "keep-alives failing".
  if (revokedAt && revokedAt.getTime() >= issuedAt.getTime()) return { state: 'revoked', expiresAt };
  if (now.getTime() >= expiresAt.getTime()) return { state: 'expired', expiresAt };
  // E*TRADE's word beats our arithmetic: a token it calls dead is dead, whatever the clock says.
  if (diedAt && diedAt.getTime() >= issuedAt.getTime()) return { state: 'expired', expiresAt };

  // E*TRADE's 2 h inactivity clock restarts on any signed call, renewal included, and on issue.
  const lastActivity = Math.max(
    ...[issuedAt, facts.lastUsedAt, facts.lastRenewedAt].map((at) => at?.getTime() ?? -Infinity),
  );
  const idleAt = new Date(lastActivity + idleAfterMs);
  const state: TokenState =
    now.getTime() >= idleAt.getTime()
      ? 'idle'
      : facts.keepAliveFailureStreak >= failingAfterStreak
        ? 'failing'
        : 'active';
  return {
    state,
    expiresAt,
    idleAt,
    keepAliveDueAt: new Date(lastActivity + keepAliveLeadMs),
    secondsToExpiry: secondsUntil(expiresAt, now),
    secondsToIdle: secondsUntil(idleAt, now),
  };
}

function secondsUntil(at: Date, now: Date): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

function assertFacts(facts: TokenFacts): void {
  for (const key of ['issuedAt', 'lastUsedAt', 'lastRenewedAt', 'revokedAt', 'diedAt'] as const) {
    if (facts[key] !== undefined) assertInstant(facts[key], `facts.${key}`);
  }
  const streak = facts.keepAliveFailureStreak;
  if (!Number.isInteger(streak) || streak < 0) {
    throw new RangeError(`facts.keepAliveFailureStreak must be a non-negative integer, got ${streak}`);
  }
}
