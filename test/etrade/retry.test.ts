import { EtradeError } from '../../shared/etrade/errors';
import { backoffDelay, withRetry } from '../../shared/etrade/retry';

const transient = () => new EtradeError('ERR_TRANSIENT', 'boom', { operation: 'x' });
const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 350 };

function recorder(random = () => 0.999) {
  const delays: number[] = [];
  return { delays, deps: { sleep: async (ms: number) => void delays.push(ms), random } };
}

describe('withRetry', () => {
  it('retries transient errors with growing, capped delays, then succeeds', async () => {
    const { delays, deps } = recorder();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 4) throw transient();
        return 'ok';
      },
      policy,
      deps,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(delays).toEqual([99, 199, 349]);
  });

  it('gives up after the bounded number of retries with the last error', async () => {
    const { delays, deps } = recorder();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw transient();
        },
        policy,
        deps,
      ),
    ).rejects.toMatchObject({ code: 'ERR_TRANSIENT' });
    expect(calls).toBe(1 + policy.retries);
    expect(delays).toHaveLength(policy.retries);
  });

  it.each(['ERR_TOKEN_EXPIRED', 'ERR_RATE_LIMITED', 'ERR_SIGNATURE', 'ERR_CLOCK_SKEW'] as const)(
    'never retries %s',
    async (code) => {
      const { delays, deps } = recorder();
      let calls = 0;
      const failing = async () => {
        calls++;
        throw new EtradeError(code, 'no', { operation: 'x' });
      };
      await expect(withRetry(failing, policy, deps)).rejects.toMatchObject({ code });
      expect({ calls, delays }).toEqual({ calls: 1, delays: [] });
    },
  );

  it('never retries a plain programming error', async () => {
    const { deps } = recorder();
    await expect(withRetry(async () => Promise.reject(new TypeError('bug')), policy, deps)).rejects.toThrow(
      'bug',
    );
  });
});

describe('backoffDelay (full jitter)', () => {
  it('spreads delays between 0 and the capped exponential bound', () => {
    expect(backoffDelay(policy, 0, () => 0)).toBe(0);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(175);
    expect(backoffDelay(policy, 10, () => 0.999999)).toBeLessThan(policy.maxDelayMs);
  });
});
