/**
 * Our own bounded retry for Secret Manager writes the client library sends exactly once (its config
 * marks AddSecretVersion, CreateSecret and the state changes `non_idempotent`: no retry codes at all).
 * Only UNAVAILABLE is retried, as AIP-194 advises: the request most likely never reached the service.
 * DEADLINE_EXCEEDED is not: the request was sent and may have been applied, and the deadline has
 * already spent the caller's time (the page waits on a PIN exchange); it surfaces as a store outage.
 */
export interface UnavailableRetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** "Full jitter": each wait is random up to base·2^retry, capped, so instances do not retry in step. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** At most 3 retries within 100 + 200 + 400 ms of waiting: short enough for a human waiting on a page. */
export const WRITE_RETRY: UnavailableRetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 };

export interface RetryTiming {
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1). */
  readonly random: () => number;
}

export const REAL_TIMING: RetryTiming = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** gRPC status 14, as google-gax errors carry it in a numeric `code`. */
const UNAVAILABLE = 14;

export async function retryUnavailable<T>(
  call: () => Promise<T>,
  policy: UnavailableRetryPolicy,
  timing: RetryTiming,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await call();
    } catch (err) {
      if ((err as { code?: unknown } | null)?.code !== UNAVAILABLE || retry >= policy.retries) throw err;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
      await timing.sleep(Math.floor(timing.random() * cap));
    }
  }
}
