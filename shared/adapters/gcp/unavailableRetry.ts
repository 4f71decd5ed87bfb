/**
 * Our own bounded retry for Secret Manager writes the client library sends exactly once (its config
 * marks AddSecretVersion, CreateSecret and the state changes `non_idempotent`: no retry codes at all).
 * Only UNAVAILABLE is retried, as AIP-194 advises: the request most likely never reached the service.
 * DEADLINE_EXCEEDED is not: the request was sent and may have been applied, and the deadline has
 * already spent the caller's time (the page waits on a PIN exchange); it surfaces as a store outage.
 */
import { type RetryDeps, type RetryPolicy, retrying } from '../../retry';

/** At most 3 retries within 100 + 200 + 400 ms of waiting: short enough for a human waiting on a page. */
export const WRITE_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 };

/** gRPC status 14, as google-gax errors carry it in a numeric `code`. */
const UNAVAILABLE = 14;

export function retryUnavailable<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  return retrying(call, (error) => (error as { code?: unknown } | null)?.code === UNAVAILABLE, policy, deps);
}
