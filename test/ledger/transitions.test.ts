import {
  applyDead,
  applyIssued,
  applyKeepAlive,
  applyUsed,
  claimAttempt,
  emptyRecord,
  markerIsLive,
} from '../../shared/ledger/transitions';
import { RENEWAL_HISTORY_LIMIT, type PendingFlow, type TokenRecord } from '../../shared/ports/tokenLedger';

const T0 = new Date('2026-03-02T14:00:00.123Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const issue = (secretVersion: string, minutes = 0) => ({
  connectionId: 'main',
  secretVersion,
  issuedAt: at(minutes),
  expiresAt: new Date('2026-03-03T05:00:00.000Z'),
});

function issued(...versions: string[]): TokenRecord {
  return versions.reduce((record, v, i) => applyIssued(record, issue(v, i)).record, emptyRecord('main'));
}

/** `count` failed keep-alives at minutes 1, 2, …, with codes E1, E2, …. */
function failedRuns(record: TokenRecord, generation: number, count: number): TokenRecord {
  let current = record;
  for (let i = 1; i <= count; i++) {
    current = applyKeepAlive(current, generation, {
      at: at(i),
      outcome: 'failed',
      errorCode: `E${i}`,
    }).record;
  }
  return current;
}

describe('emptyRecord', () => {
  it('is generation 0 with a zero streak and no history', () => {
    expect(emptyRecord('main')).toEqual({
      connectionId: 'main',
      generation: 0,
      keepAlive: { failureStreak: 0 },
      history: [],
    });
  });
});

describe('applyIssued', () => {
  it('numbers generations 1, 2, … and records the token newest first', () => {
    const first = applyIssued(emptyRecord('main'), issue('3'));
    const second = applyIssued(first.record, issue('4', 5));

    expect(first.outcome).toBe('applied');
    expect(second).toMatchObject({ outcome: 'applied', record: { generation: 2, secretVersion: '4' } });
    expect(second.record.lastUsedAt).toEqual(at(5));
    expect(second.record.history).toEqual([
      { generation: 2, secretVersion: '4', issuedAt: at(5) },
      { generation: 1, secretVersion: '3', issuedAt: at(0) },
    ]);
  });

  it.each([
    ['the same version', '7'],
    ['an older version', '6'],
  ])('is superseded by %s and returns the current record itself', (_name, version) => {
    const current = issued('7');
    const result = applyIssued(current, issue(version, 9));
    expect(result.outcome).toBe('superseded');
    expect(result.record).toBe(current);
  });

  it('compares versions as numbers, not strings ("10" is newer than "9")', () => {
    expect(applyIssued(issued('9'), issue('10')).outcome).toBe('applied');
  });

  it('clears death, renewal, outcome and the streak but keeps when the last keep-alive ran', () => {
    let record = issued('1');
    record = applyKeepAlive(record, 1, { at: at(1), outcome: 'renewed' }).record;
    record = applyKeepAlive(record, 1, { at: at(2), outcome: 'failed', errorCode: 'ETRADE_IDLE' }).record;
    record = applyDead(record, 1, { at: at(3), kind: 'died' }).record;

    const next = applyIssued(record, issue('2', 4)).record;

    expect(next).toEqual({
      connectionId: 'main',
      generation: 2,
      secretVersion: '2',
      issuedAt: at(4),
      expiresAt: issue('2').expiresAt,
      lastUsedAt: at(4),
      keepAlive: { lastRunAt: at(2), lastSuccessAt: at(1), failureStreak: 0 },
      history: [
        { generation: 2, secretVersion: '2', issuedAt: at(4) },
        { generation: 1, secretVersion: '1', issuedAt: at(0) },
      ],
    });
  });

  it(`keeps only the newest ${RENEWAL_HISTORY_LIMIT} history entries`, () => {
    const versions = Array.from({ length: RENEWAL_HISTORY_LIMIT + 5 }, (_, i) => String(i + 1));
    const record = issued(...versions);
    expect(record.history).toHaveLength(RENEWAL_HISTORY_LIMIT);
    expect(record.history[0].generation).toBe(RENEWAL_HISTORY_LIMIT + 5);
    expect(record.history.at(-1)?.generation).toBe(6);
  });

  it('rejects a non-decimal version, which would compare as NaN', () => {
    expect(() => applyIssued(emptyRecord('main'), issue('v2'))).toThrow('command.secretVersion');
  });

  it('rejects a command for another connection', () => {
    expect(() => applyIssued(emptyRecord('other'), issue('1'))).toThrow('applied to other');
  });
});

describe('applyUsed', () => {
  it('moves lastUsedAt forward for the current generation', () => {
    const result = applyUsed(issued('1'), 1, at(30));
    expect(result).toMatchObject({ applied: true, record: { lastUsedAt: at(30) } });
  });

  it('accepts an older report as applied but changes nothing', () => {
    const current = applyUsed(issued('1'), 1, at(30)).record;
    const result = applyUsed(current, 1, at(10));
    expect(result.applied).toBe(true);
    expect(result.record).toBe(current);
  });

  it.each([
    ['a stale generation', issued('1', '2'), 1],
    ['generation 0', emptyRecord('main'), 0],
  ])('ignores %s', (_name, current, generation) => {
    const result = applyUsed(current, generation, at(30));
    expect(result).toEqual({ applied: false, record: current });
    expect(result.record).toBe(current);
  });
});

describe('applyKeepAlive', () => {
  it('counts failures with the last error code and reports the health before the write', () => {
    const once = applyKeepAlive(issued('1'), 1, { at: at(1), outcome: 'failed', errorCode: 'TRANSIENT' });
    const twice = applyKeepAlive(once.record, 1, { at: at(2), outcome: 'failed', errorCode: 'RATE_LIMITED' });

    expect(twice.previous).toEqual(once.record.keepAlive);
    expect(twice.record.keepAlive).toEqual({
      lastRunAt: at(2),
      lastOutcome: 'failed',
      lastErrorCode: 'RATE_LIMITED',
      failureStreak: 2,
    });
  });

  it('resets the streak on touched and moves lastUsedAt forward only', () => {
    const failing = applyKeepAlive(issued('1'), 1, { at: at(1), outcome: 'failed', errorCode: 'X' }).record;

    const touched = applyKeepAlive(failing, 1, { at: at(40), outcome: 'touched' });
    const usedAhead = applyUsed(touched.record, 1, at(50)).record;
    const lateTouch = applyKeepAlive(usedAhead, 1, { at: at(45), outcome: 'touched' });

    expect(touched.previous?.failureStreak).toBe(1);
    expect(touched.record.lastRenewedAt).toBeUndefined();
    expect(touched.record.keepAlive).toEqual({
      lastRunAt: at(40),
      lastOutcome: 'touched',
      lastErrorCode: 'X',
      lastSuccessAt: at(40),
      failureStreak: 0,
    });
    expect(lateTouch.record.lastUsedAt).toEqual(at(50));
  });

  it('records the renewal on renewed', () => {
    const result = applyKeepAlive(issued('1'), 1, { at: at(100), outcome: 'renewed' });
    expect(result.record).toMatchObject({ lastUsedAt: at(100), lastRenewedAt: at(100) });
    expect(result.record.keepAlive).toMatchObject({ lastSuccessAt: at(100), failureStreak: 0 });
  });

  it('leaves the streak alone on skipped', () => {
    const failing = applyKeepAlive(issued('1'), 1, { at: at(1), outcome: 'failed' }).record;
    const skipped = applyKeepAlive(failing, 1, { at: at(2), outcome: 'skipped' }).record;
    expect(skipped.keepAlive).toEqual({ lastRunAt: at(2), lastOutcome: 'skipped', failureStreak: 1 });
    expect(skipped.lastUsedAt).toEqual(failing.lastUsedAt);
  });

  it('counts a failure after a use from 1 again: the use ended the streak before it', () => {
    const twice = failedRuns(issued('1'), 1, 2);
    // A use recorded late (its instant between the two failures) did not clear the streak when written.
    const late = applyUsed(twice, 1, at(1.5)).record;
    const third = applyKeepAlive(late, 1, { at: at(3), outcome: 'failed', errorCode: 'X' }).record;
    const used = applyUsed(third, 1, at(4)).record;
    const fourth = applyKeepAlive(used, 1, { at: at(5), outcome: 'failed', errorCode: 'X' }).record;

    expect([late.keepAlive.failureStreak, third.keepAlive.failureStreak]).toEqual([2, 3]);
    expect(fourth.keepAlive.failureStreak).toBe(1);
  });

  it('ignores a stale generation without a previous', () => {
    const current = issued('1', '2');
    expect(applyKeepAlive(current, 1, { at: at(9), outcome: 'failed' })).toEqual({
      applied: false,
      record: current,
    });
  });

  it('rejects an unknown outcome', () => {
    const result = { at: at(1), outcome: 'ok' as 'touched' };
    expect(() => applyKeepAlive(issued('1'), 1, result)).toThrow('result.outcome');
  });
});

/**
 * Regression: the trading system kept the token busy after three failed keep-alives, so every run
 * skipped it and none reset the streak: status said `failing` all day and the warning at exactly 3
 * never armed again. A use after the last failed run is evidence the token works.
 */
describe('a use after the last failed keep-alive ends the failure streak', () => {
  const failing = () => failedRuns(issued('1'), 1, 3); // failed at minutes 1, 2, 3

  it('clears the streak when the use is later than the last failed run, keeping what that run said', () => {
    const result = applyUsed(failing(), 1, at(4));

    expect(result).toMatchObject({ applied: true, record: { lastUsedAt: at(4) } });
    expect(result.record.keepAlive).toEqual({
      lastRunAt: at(3),
      lastOutcome: 'failed',
      lastErrorCode: 'E3',
      failureStreak: 0,
    });
  });

  it.each([
    ['before the last failure', 2.5],
    ['at the instant of the last failure', 3],
  ])('keeps the streak for a use %s (a late report)', (_name, minutes) => {
    const current = failing();
    const result = applyUsed(current, 1, at(minutes));
    expect(result.record.keepAlive.failureStreak).toBe(3);
    expect(result.record.lastUsedAt).toEqual(at(minutes));
  });

  it('keeps the streak while nothing newer was used, through skipped runs', () => {
    const skipped = applyKeepAlive(failing(), 1, { at: at(4), outcome: 'skipped' }).record;
    expect(skipped.keepAlive).toMatchObject({ lastOutcome: 'skipped', failureStreak: 3 });
    // Only a use later than the skip counts: the failure's own instant is no longer on record.
    expect(applyUsed(skipped, 1, at(3.5)).record.keepAlive.failureStreak).toBe(3);
    expect(applyUsed(skipped, 1, at(4.5)).record.keepAlive.failureStreak).toBe(0);
  });

  it('heals a record stuck before the rule (used after the failure, then skipped) at its next run', () => {
    const stuck: TokenRecord = { ...failing(), lastUsedAt: at(4) };

    const skipped = applyKeepAlive(stuck, 1, { at: at(20), outcome: 'skipped' });

    expect(skipped.previous?.failureStreak).toBe(3);
    expect(skipped.record.keepAlive).toMatchObject({ lastOutcome: 'skipped', failureStreak: 0 });
  });

  it('lets a use dated after a failure outweigh it (another clock ahead)', () => {
    const used = applyUsed(failedRuns(issued('1'), 1, 2), 1, at(10)).record;
    const failed = applyKeepAlive(used, 1, { at: at(9), outcome: 'failed', errorCode: 'X' });
    expect(failed.record.keepAlive).toMatchObject({
      lastRunAt: at(9),
      lastOutcome: 'failed',
      failureStreak: 0,
    });
  });

  it('leaves a record without a streak as it is (the same object: nothing to write)', () => {
    const used = applyUsed(issued('1'), 1, at(30)).record;
    expect(applyUsed(used, 1, at(20)).record).toBe(used);
  });
});

describe('applyDead', () => {
  it.each([
    ['revoked', 'revokedAt'],
    ['died', 'diedAt'],
  ] as const)('marks %s once: the second call is not applied', (kind, field) => {
    const first = applyDead(issued('1'), 1, { at: at(5), kind });
    const second = applyDead(first.record, 1, { at: at(6), kind: 'revoked' });

    expect(first).toMatchObject({ applied: true, record: { [field]: at(5) } });
    expect(second.applied).toBe(false);
    expect(second.record).toBe(first.record);
  });

  it('ignores a stale generation', () => {
    expect(applyDead(issued('1', '2'), 1, { at: at(5), kind: 'died' }).applied).toBe(false);
  });
});

describe('claimAttempt', () => {
  const flow: PendingFlow = {
    id: 'f1',
    connectionId: 'main',
    requestToken: 'rt',
    requestSecret: 'rs',
    ownerSession: 'alice',
    createdAt: at(0),
    expiresAt: at(5),
    attempts: 0,
  };

  it('counts an attempt and returns the updated flow to persist', () => {
    const decision = claimAttempt(flow, 'alice', at(1), 3);
    expect(decision).toEqual({
      claim: { ok: true, flow: { ...flow, attempts: 1 } },
      updated: { ...flow, attempts: 1 },
    });
  });

  it.each([
    ['a missing flow', undefined, 'alice', at(1), 'not_found'],
    ["another session's flow", flow, 'mallory', at(1), 'not_found'],
    ['an expired flow (at expiresAt exactly)', flow, 'alice', at(5), 'expired'],
    ['an exhausted flow', { ...flow, attempts: 3 }, 'alice', at(1), 'exhausted'],
  ])('refuses %s without counting', (_name, current, owner, now, reason) => {
    expect(claimAttempt(current, owner, now, 3)).toEqual({ claim: { ok: false, reason } });
  });

  it('hides an expired flow of another session as not_found', () => {
    expect(claimAttempt(flow, 'mallory', at(10), 3).claim).toEqual({ ok: false, reason: 'not_found' });
  });

  it('rejects a maxAttempts below 1', () => {
    expect(() => claimAttempt(flow, 'alice', at(1), 0)).toThrow('maxAttempts');
  });
});

describe('markerIsLive', () => {
  it('is live only before its expiry', () => {
    expect(markerIsLive(undefined, at(0))).toBe(false);
    expect(markerIsLive({ expiresAt: at(1) }, at(0))).toBe(true);
    expect(markerIsLive({ expiresAt: at(1) }, at(1))).toBe(false);
  });
});
