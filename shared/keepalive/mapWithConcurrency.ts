/**
 * `Promise.all(items.map(fn))` with at most `limit` calls of `fn` in flight, results in input order.
 * A fixed pool of workers pulls the next index, so a slow item never holds back a whole batch.
 * The first rejection rejects the result and stops workers from starting new items; callers that must
 * see every item (the keep-alive) pass an `fn` that never rejects.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  assertConcurrency(limit, 'limit');
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function assertConcurrency(value: unknown, name: string): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}
