import { type RetryDeps, type RetryPolicy, retrying } from '../retry';
import { EtradeError } from './errors';

export { backoffDelay, realSleep, type RetryDeps, type RetryPolicy } from '../retry';

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4000 };

/** Runs `call`, retrying only transient E*TRADE errors; every other failure surfaces at once. */
export function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  return retrying(call, (error) => error instanceof EtradeError && error.retryable, policy, deps);
}
