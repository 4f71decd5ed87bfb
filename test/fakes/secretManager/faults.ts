import type { status } from '@grpc/grpc-js';

interface Failure {
  readonly code: status;
  /** Apply the request, then fail: the client sees an error for a change that did happen. */
  readonly afterCommit: boolean;
}

/**
 * Faults queued per RPC and consumed one per call, in order, so a test can script "fail twice, then
 * succeed" and watch the client's retry policy deal with it.
 */
export class FaultPlan<Rpc extends string> {
  private readonly failures = new Map<Rpc, Failure[]>();
  private readonly delays = new Map<Rpc, number[]>();
  private readonly callCounts = new Map<Rpc, number>();

  fail(rpc: Rpc, code: status, times: number, afterCommit: boolean): void {
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`times must be a positive integer, got ${times}`);
    const queue = this.failures.get(rpc) ?? [];
    queue.push(...Array.from({ length: times }, () => ({ code, afterCommit })));
    this.failures.set(rpc, queue);
  }

  delay(rpc: Rpc, ms: number): void {
    if (!(ms >= 0)) throw new Error(`ms must be >= 0, got ${ms}`);
    this.delays.set(rpc, [...(this.delays.get(rpc) ?? []), ms]);
  }

  /** Records the call and takes the faults queued for it. */
  take(rpc: Rpc): { delayMs: number; failure: Failure | undefined } {
    this.callCounts.set(rpc, this.calls(rpc) + 1);
    return { delayMs: this.delays.get(rpc)?.shift() ?? 0, failure: this.failures.get(rpc)?.shift() };
  }

  calls(rpc: Rpc): number {
    return this.callCounts.get(rpc) ?? 0;
  }

  clear(): void {
    this.failures.clear();
    this.delays.clear();
    this.callCounts.clear();
  }
}
