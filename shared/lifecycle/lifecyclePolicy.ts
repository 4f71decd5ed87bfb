const MINUTE_MS = 60_000;

export interface LifecyclePolicy {
  /** E*TRADE stops accepting a token this long after its last call (2 h). */
  idleAfterMs: number;
  /** Keep-alive this long after the last activity; 90 min leaves 30 min of retries before idle. */
  keepAliveLeadMs: number;
  /** Consecutive failed keep-alives after which a live token is reported `failing`. */
  failingAfterStreak: number;
}

export const DEFAULT_LIFECYCLE_POLICY: Readonly<LifecyclePolicy> = Object.freeze({
  idleAfterMs: 120 * MINUTE_MS,
  keepAliveLeadMs: 90 * MINUTE_MS,
  failingAfterStreak: 3,
});

/**
 * Fills a partial policy from the defaults and rejects values that would make the timeline lie:
 * a keep-alive due at or after idle could never prevent idling, and a NaN would silently compare
 * false everywhere. Keys present but `undefined` fall back to the default instead of erasing it.
 */
export function resolvePolicy(overrides: Partial<LifecyclePolicy> = {}): LifecyclePolicy {
  const policy = { ...DEFAULT_LIFECYCLE_POLICY };
  for (const key of Object.keys(policy) as (keyof LifecyclePolicy)[]) {
    const value = overrides[key];
    if (value !== undefined) policy[key] = value;
  }
  const { idleAfterMs, keepAliveLeadMs, failingAfterStreak } = policy;
  if (!Number.isFinite(idleAfterMs) || idleAfterMs <= 0) {
    throw new RangeError(`policy.idleAfterMs must be a positive number of milliseconds, got ${idleAfterMs}`);
  }
  if (!Number.isFinite(keepAliveLeadMs) || keepAliveLeadMs < 0 || keepAliveLeadMs >= idleAfterMs) {
    throw new RangeError(
      `policy.keepAliveLeadMs must be at least 0 and less than idleAfterMs (${idleAfterMs}), got ${keepAliveLeadMs}`,
    );
  }
  if (!Number.isInteger(failingAfterStreak) || failingAfterStreak < 1) {
    throw new RangeError(`policy.failingAfterStreak must be a positive integer, got ${failingAfterStreak}`);
  }
  return policy;
}
