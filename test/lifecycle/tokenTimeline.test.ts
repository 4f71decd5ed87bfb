import { type TokenFacts, tokenTimeline } from '../../shared/lifecycle';
import { forEachTimeZone } from '../support/timeZones';

const at = (iso: string) => new Date(iso);
const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);
const HOUR = 3_600_000;

// An ordinary summer day: issued 09:00 EDT, dies at midnight EDT = 04:00Z the next day.
const ISSUED = '2026-06-15T13:00:00.000Z';
const MIDNIGHT = '2026-06-16T04:00:00.000Z';
const fresh: TokenFacts = { issuedAt: at(ISSUED), keepAliveFailureStreak: 0 };

forEachTimeZone(() => {
  describe('states', () => {
    it('missing: never issued', () => {
      expect(tokenTimeline({ keepAliveFailureStreak: 0 }, at(ISSUED))).toEqual({ state: 'missing' });
      // Activity without an issue (a half-written record) is still missing.
      expect(tokenTimeline({ lastUsedAt: at(ISSUED), keepAliveFailureStreak: 5 }, at(ISSUED)).state).toBe(
        'missing',
      );
    });

    it('active: every instant and countdown', () => {
      expect(tokenTimeline(fresh, at('2026-06-15T14:00:00.000Z'))).toEqual({
        state: 'active',
        expiresAt: at(MIDNIGHT),
        idleAt: at('2026-06-15T15:00:00.000Z'),
        keepAliveDueAt: at('2026-06-15T14:30:00.000Z'),
        secondsToExpiry: 14 * 3600,
        secondsToIdle: 3600,
      });
    });

    it('idle: the countdown stops at 0 and the overdue keep-alive stays in the past', () => {
      expect(tokenTimeline(fresh, at('2026-06-15T16:00:00.000Z'))).toEqual({
        state: 'idle',
        expiresAt: at(MIDNIGHT),
        idleAt: at('2026-06-15T15:00:00.000Z'),
        keepAliveDueAt: at('2026-06-15T14:30:00.000Z'),
        secondsToExpiry: 12 * 3600,
        secondsToIdle: 0,
      });
    });

    it('expired and revoked carry only expiresAt: nothing is due for a dead token', () => {
      expect(tokenTimeline(fresh, at(MIDNIGHT))).toEqual({ state: 'expired', expiresAt: at(MIDNIGHT) });
      const revoked = { ...fresh, revokedAt: at('2026-06-15T14:00:00.000Z') };
      expect(tokenTimeline(revoked, at('2026-06-15T14:00:00.000Z'))).toEqual({
        state: 'revoked',
        expiresAt: at(MIDNIGHT),
      });
    });

    it('failing from the configured streak on, while live', () => {
      const now = at('2026-06-15T14:00:00.000Z');
      expect(tokenTimeline({ ...fresh, keepAliveFailureStreak: 2 }, now).state).toBe('active');
      expect(tokenTimeline({ ...fresh, keepAliveFailureStreak: 3 }, now).state).toBe('failing');
      expect(
        tokenTimeline({ ...fresh, keepAliveFailureStreak: 1 }, now, { failingAfterStreak: 1 }).state,
      ).toBe('failing');
    });
  });

  describe('revocation', () => {
    const now = at('2026-06-15T14:00:00.000Z');

    it('counts a revocation at or after the issue', () => {
      expect(tokenTimeline({ ...fresh, revokedAt: at(ISSUED) }, now).state).toBe('revoked');
      expect(tokenTimeline({ ...fresh, revokedAt: plusMs(ISSUED, 1) }, now).state).toBe('revoked');
    });

    it('ignores an older revocation: it belonged to the token this one replaced', () => {
      expect(tokenTimeline({ ...fresh, revokedAt: plusMs(ISSUED, -1) }, now).state).toBe('active');
    });
  });

  describe('death reported by E*TRADE before midnight', () => {
    const now = at('2026-06-15T14:00:00.000Z');

    it('is expired from then on, and carries only expiresAt', () => {
      expect(tokenTimeline({ ...fresh, diedAt: at('2026-06-15T13:00:00.000Z') }, now)).toEqual({
        state: 'expired',
        expiresAt: at(MIDNIGHT),
      });
    });

    it('ignores a death older than the issue: it belonged to the token this one replaced', () => {
      expect(tokenTimeline({ ...fresh, diedAt: plusMs(ISSUED, -1) }, now).state).toBe('active');
    });

    it('revocation still explains the death better', () => {
      expect(tokenTimeline({ ...fresh, diedAt: at(ISSUED), revokedAt: at(ISSUED) }, now).state).toBe(
        'revoked',
      );
    });
  });

  describe('precedence: revoked > expired > idle > failing > active', () => {
    // Every condition holds at once, then is removed one by one.
    const all: TokenFacts = {
      ...fresh,
      revokedAt: at('2026-06-15T13:30:00.000Z'),
      keepAliveFailureStreak: 9,
    };
    it.each([
      ['revoked', all, MIDNIGHT],
      ['expired', { ...all, revokedAt: undefined }, MIDNIGHT],
      ['idle', { ...all, revokedAt: undefined }, '2026-06-15T15:00:00.000Z'],
      ['failing', { ...all, revokedAt: undefined }, '2026-06-15T14:59:59.999Z'],
      ['active', { ...all, revokedAt: undefined, keepAliveFailureStreak: 0 }, '2026-06-15T14:59:59.999Z'],
    ] as const)('%s', (state, facts, now) => {
      expect(tokenTimeline(facts, at(now)).state).toBe(state);
    });
  });

  describe('idle clock', () => {
    it('turns idle exactly 2 h after the last activity, not a millisecond earlier', () => {
      const before = tokenTimeline(fresh, plusMs(ISSUED, 2 * HOUR - 1));
      expect(before).toMatchObject({ state: 'active', secondsToIdle: 1 });
      expect(tokenTimeline(fresh, plusMs(ISSUED, 2 * HOUR))).toMatchObject({
        state: 'idle',
        secondsToIdle: 0,
      });
    });

    it('restarts on the latest of issue, use and renewal', () => {
      const used = { ...fresh, lastUsedAt: at('2026-06-15T16:00:00.000Z') };
      expect(tokenTimeline(used, at('2026-06-15T16:00:00.000Z'))).toMatchObject({
        idleAt: at('2026-06-15T18:00:00.000Z'),
        keepAliveDueAt: at('2026-06-15T17:30:00.000Z'),
      });
      const renewed = { ...used, lastRenewedAt: at('2026-06-15T17:00:00.000Z') };
      expect(tokenTimeline(renewed, at('2026-06-15T18:30:00.000Z'))).toMatchObject({
        state: 'active',
        idleAt: at('2026-06-15T19:00:00.000Z'),
      });
      // Use recorded for the previous token does not pull the clock back before this issue.
      const stale = { ...fresh, lastUsedAt: at('2026-06-14T20:00:00.000Z') };
      expect(tokenTimeline(stale, at(ISSUED)).idleAt).toEqual(at('2026-06-15T15:00:00.000Z'));
    });

    it('renewing revives idle but never moves midnight', () => {
      const renewed = { ...fresh, lastRenewedAt: at('2026-06-16T03:00:00.000Z') };
      expect(tokenTimeline(renewed, at('2026-06-16T03:30:00.000Z'))).toMatchObject({
        state: 'active',
        expiresAt: at(MIDNIGHT),
        idleAt: at('2026-06-16T05:00:00.000Z'), // after midnight: the token expires first
        secondsToExpiry: 1800,
      });
      expect(tokenTimeline(renewed, at(MIDNIGHT)).state).toBe('expired');
    });

    it('takes facts from a clock slightly ahead at face value', () => {
      const ahead = { issuedAt: plusMs(ISSUED, 500), keepAliveFailureStreak: 0 };
      expect(tokenTimeline(ahead, at(ISSUED))).toMatchObject({ state: 'active', secondsToIdle: 7201 });
    });

    it('honours a custom policy and falls back to defaults for undefined keys', () => {
      const policy = { idleAfterMs: HOUR, keepAliveLeadMs: 45 * 60_000, failingAfterStreak: undefined };
      expect(tokenTimeline({ ...fresh, keepAliveFailureStreak: 3 }, at(ISSUED), policy)).toMatchObject({
        state: 'failing',
        idleAt: at('2026-06-15T14:00:00.000Z'),
        keepAliveDueAt: at('2026-06-15T13:45:00.000Z'),
      });
    });
  });
});
