import { DEFAULT_LIFECYCLE_POLICY, TOKEN_STATES, isTokenState, tokenTimeline } from '../../shared/lifecycle';

const now = new Date('2026-06-15T14:00:00.000Z');
const fresh = { issuedAt: new Date('2026-06-15T13:00:00.000Z'), keepAliveFailureStreak: 0 };

describe('TOKEN_STATES', () => {
  it('is the closed set the guard accepts', () => {
    expect(TOKEN_STATES).toEqual(['missing', 'active', 'idle', 'expired', 'revoked', 'failing']);
    expect(TOKEN_STATES.every(isTokenState)).toBe(true);
    expect([isTokenState('dead'), isTokenState(undefined), isTokenState('Active')]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('DEFAULT_LIFECYCLE_POLICY', () => {
  it('is 2 h idle, keep-alive 90 min after activity, failing after 3, and frozen', () => {
    expect(DEFAULT_LIFECYCLE_POLICY).toEqual({
      idleAfterMs: 7_200_000,
      keepAliveLeadMs: 5_400_000,
      failingAfterStreak: 3,
    });
    expect(Object.isFrozen(DEFAULT_LIFECYCLE_POLICY)).toBe(true);
  });
});

describe('tokenTimeline arguments', () => {
  it.each([
    [{ idleAfterMs: 0 }, /^policy\.idleAfterMs must be/],
    [{ idleAfterMs: Number.NaN }, /^policy\.idleAfterMs must be/],
    [{ keepAliveLeadMs: 7_200_000 }, /^policy\.keepAliveLeadMs must be .* less than idleAfterMs/],
    [{ keepAliveLeadMs: -1 }, /^policy\.keepAliveLeadMs must be/],
    [{ failingAfterStreak: 0 }, /^policy\.failingAfterStreak must be/],
    [{ failingAfterStreak: 2.5 }, /^policy\.failingAfterStreak must be/],
  ])('rejects policy %p', (policy, message) => {
    expect(() => tokenTimeline(fresh, now, policy)).toThrow(
      expect.objectContaining({ name: 'RangeError', message: expect.stringMatching(message) }),
    );
  });

  it.each([
    [{ ...fresh, lastUsedAt: new Date('nope') }, /^facts\.lastUsedAt must be a valid Date/],
    [{ ...fresh, issuedAt: new Date(Number.NaN) }, /^facts\.issuedAt must be a valid Date/],
    [{ ...fresh, keepAliveFailureStreak: -1 }, /^facts\.keepAliveFailureStreak must be/],
    [{ ...fresh, keepAliveFailureStreak: Number.NaN }, /^facts\.keepAliveFailureStreak must be/],
  ])('rejects facts %p', (facts, message) => {
    expect(() => tokenTimeline(facts, now)).toThrow(message);
  });

  it('rejects an invalid now', () => {
    expect(() => tokenTimeline(fresh, new Date('nope'))).toThrow(/^now must be a valid Date/);
  });
});
