/** Bounded retries with "full jitter" backoff, for any call; each caller says which failures are transient. */
export interface RetryPolicy {
  /** Retries after the first attempt; bounded so a dead dependency cannot stall a run. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryDeps {
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1). */
  readonly random: () => number;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const REAL_RETRY_DEPS: RetryDeps = { sleep: realSleep, random: Math.random };

/** "Full jitter" backoff: a random delay up to base·2^attempt, capped, so retries do not stampede. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/** Runs `call`, retrying only the failures `transient` accepts; every other failure surfaces at once. */
export async function retrying<T>(
  call: (attempt: number) => Promise<T>,
  transient: (error: unknown) => boolean,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!transient(error) || attempt >= policy.retries) throw error;
      await deps.sleep(backoffDelay(policy, attempt, deps.random));
    }
  }
}
