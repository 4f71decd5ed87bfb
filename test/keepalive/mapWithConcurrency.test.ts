import { mapWithConcurrency } from '../../shared/keepalive/mapWithConcurrency';

/** A promise the test settles by hand, so ordering is decided by the test, not by timers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps input order even when items finish out of order', async () => {
    const gates = [0, 1, 2, 3].map(() => deferred<void>());
    const result = mapWithConcurrency([10, 20, 30, 40], 4, async (n, i) => {
      await gates[i].promise;
      return n + i;
    });
    for (const i of [3, 1, 0, 2]) gates[i].resolve();
    await expect(result).resolves.toEqual([10, 21, 32, 43]);
  });

  it('never has more than `limit` calls in flight, and starts the next as soon as one finishes', async () => {
    const gates = Array.from({ length: 7 }, () => deferred<void>());
    const started: number[] = [];
    let inFlight = 0;
    let max = 0;
    const result = mapWithConcurrency(gates, 3, async (gate, i) => {
      started.push(i);
      max = Math.max(max, ++inFlight);
      await gate.promise;
      inFlight -= 1;
      return i;
    });
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[1].resolve();
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const gate of gates) gate.resolve();
    await expect(result).resolves.toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(max).toBe(3);
  });

  it('handles an empty list and a limit larger than the list', async () => {
    await expect(mapWithConcurrency([], 5, async () => 1)).resolves.toEqual([]);
    await expect(mapWithConcurrency([1, 2], 50, async (n) => n * 2)).resolves.toEqual([2, 4]);
  });

  it('rejects with the first failure and starts no new items after it', async () => {
    const started: number[] = [];
    const result = mapWithConcurrency([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      await flush();
      return n;
    });
    await expect(result).rejects.toThrow('boom');
    await flush();
    expect(started).toEqual([0, 1]);
  });

  it.each([0, -1, 2.5, Number.NaN, Infinity])('rejects limit %p, naming it', async (limit) => {
    await expect(mapWithConcurrency([1], limit, async (n) => n)).rejects.toThrow(
      /limit must be a positive integer/,
    );
  });
});
