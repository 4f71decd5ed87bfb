import { EtradeError } from './errors';

export interface RetryPolicy {
  /** Retries after the first attempt; bounded so a dead E*TRADE cannot stall a run. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4000 };

export interface RetryDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "Full jitter" backoff: a random delay up to base·2^attempt, capped, so retries do not stampede. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/** Runs `call`, retrying only transient E*TRADE errors; every other failure surfaces at once. */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const retryable = error instanceof EtradeError && error.retryable;
      if (!retryable || attempt >= policy.retries) throw error;
      await deps.sleep(backoffDelay(policy, attempt, deps.random));
    }
  }
}
