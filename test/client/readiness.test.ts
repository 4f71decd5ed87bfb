import { formatDuration } from '../../shared/client/durations';
import { judgeReadiness, type ReadinessFacts } from '../../shared/client/readiness';
import type { TokenRecord } from '../../shared/ports/tokenLedger';
import { forEachTimeZone } from '../support/timeZones';

const at = (iso: string) => new Date(iso);
const LOG_IN = 'log in with the PIN flow';

/** A generation-1 token issued at `issued`, with whatever else the case needs. */
function record(issued: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    connectionId: 'prod',
    generation: 1,
    secretVersion: '1',
    issuedAt: at(issued),
    expiresAt: undefined,
    lastUsedAt: at(issued),
    keepAlive: { failureStreak: 0 },
    history: [],
    ...extra,
  };
}

const ISSUED = '2026-11-25T13:30:00Z'; // Wed 08:30 ET; the token dies at 2026-11-26T05:00Z

const CASES: [string, ReadinessFacts, boolean, string][] = [
  [
    'never issued',
    {
      record: { connectionId: 'prod', generation: 0, keepAlive: { failureStreak: 0 }, history: [] },
      now: at(ISSUED),
      minutes: 0,
    },
    false,
    `no token — ${LOG_IN}`,
  ],
  [
    'active',
    { record: record(ISSUED), now: at('2026-11-25T14:00:00Z'), minutes: 30 },
    true,
    'ok: active, expires in 15 h',
  ],
  [
    'expires inside the window',
    { record: record('2026-11-26T03:00:00Z'), now: at('2026-11-26T04:48:00Z'), minutes: 15 },
    false,
    'token expires at 00:00 ET, in 12 minutes',
  ],
  [
    'expires just after the window',
    { record: record('2026-11-26T03:00:00Z'), now: at('2026-11-26T04:48:00Z'), minutes: 10 },
    true,
    'ok: active, expires in 12 minutes',
  ],
  [
    'used recently, expires in hours and minutes',
    {
      record: record(ISSUED, { lastUsedAt: at('2026-11-25T22:40:00Z') }),
      now: at('2026-11-25T22:48:00Z'),
      minutes: 60,
    },
    true,
    'ok: active, expires in 6 h 12 min',
  ],
  [
    'idle',
    { record: record(ISSUED), now: at('2026-11-25T15:31:00Z'), minutes: 0 },
    false,
    'token idle — keep-alive or renew needed',
  ],
  [
    'keep-alive failing',
    {
      record: record(ISSUED, {
        keepAlive: {
          failureStreak: 3,
          lastErrorCode: 'ERR_TRANSIENT',
          lastRunAt: at('2026-11-25T14:00:00Z'),
        },
      }),
      now: at('2026-11-25T14:10:00Z'),
      minutes: 0,
    },
    false,
    'keep-alive failing (3 in a row, last ERR_TRANSIENT)',
  ],
  [
    'keep-alive failing, but our own calls succeed',
    {
      record: record(ISSUED, {
        keepAlive: {
          failureStreak: 3,
          lastErrorCode: 'ERR_TRANSIENT',
          lastRunAt: at('2026-11-25T14:00:00Z'),
        },
      }),
      now: at('2026-11-25T14:10:00Z'),
      minutes: 0,
      succeeded: { generation: 1, at: at('2026-11-25T14:05:00Z') },
    },
    true,
    'ok: calls succeed though keep-alive failed 3 in a row, last ERR_TRANSIENT; expires in 14 h 50 min',
  ],
  [
    'expired at midnight',
    { record: record(ISSUED), now: at('2026-11-26T05:00:00Z'), minutes: 0 },
    false,
    `token expired at 00:00 ET — ${LOG_IN}`,
  ],
  [
    'called dead by E*TRADE before midnight',
    {
      record: record(ISSUED, { diedAt: at('2026-11-25T15:00:00Z') }),
      now: at('2026-11-25T15:05:00Z'),
      minutes: 0,
    },
    false,
    `E*TRADE ended the token at 10:00 ET — ${LOG_IN}`,
  ],
  [
    'revoked',
    {
      record: record(ISSUED, { revokedAt: at('2026-11-25T14:00:00Z') }),
      now: at('2026-11-25T14:05:00Z'),
      minutes: 0,
    },
    false,
    `token revoked — ${LOG_IN}`,
  ],
  [
    'rejected to this process, nothing newer in the vault',
    {
      record: record(ISSUED),
      now: at('2026-11-25T14:45:00Z'),
      minutes: 0,
      rejected: { generation: 1, at: at('2026-11-25T14:40:00Z'), code: 'ERR_TOKEN_EXPIRED' },
    },
    false,
    `E*TRADE rejected the token at 09:40 ET (ERR_TOKEN_EXPIRED) — ${LOG_IN}`,
  ],
  [
    'an older generation rejected is history',
    {
      record: { ...record(ISSUED), generation: 2, secretVersion: '2' },
      now: at('2026-11-25T14:00:00Z'),
      minutes: 0,
      rejected: { generation: 1, at: at('2026-11-25T13:59:00Z'), code: 'ERR_TOKEN_REJECTED' },
    },
    true,
    'ok: active, expires in 15 h',
  ],
  [
    'the vault lost the version',
    {
      record: record(ISSUED),
      now: at('2026-11-25T14:00:00Z'),
      minutes: 0,
      vaultProblem: 'vault version 1 of connection prod is not readable',
    },
    false,
    'token not readable — vault version 1 of connection prod is not readable',
  ],
];

forEachTimeZone(() => {
  describe('isReadyToTrade reasons (judgeReadiness)', () => {
    it.each(CASES)('%s', (_name, facts, ready, reason) => {
      expect(judgeReadiness(facts)).toMatchObject({ ready, reason });
    });

    it('reports the state, generation and deadlines with the reason', () => {
      expect(judgeReadiness({ record: record(ISSUED), now: at('2026-11-25T14:00:00Z'), minutes: 0 })).toEqual(
        {
          ready: true,
          reason: 'ok: active, expires in 15 h',
          state: 'active',
          generation: 1,
          expiresAt: at('2026-11-26T05:00:00Z'),
          idleAt: at('2026-11-25T15:30:00Z'),
        },
      );
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, 'less than a minute'],
    [59, 'less than a minute'],
    [60, '1 minute'],
    [12 * 60 + 59, '12 minutes'],
    [3600, '1 h'],
    [6 * 3600 + 12 * 60 + 30, '6 h 12 min'],
    [26 * 3600, '1 d 2 h'],
    [48 * 3600, '2 d'],
  ])('%d s → %s', (seconds, words) => expect(formatDuration(seconds)).toBe(words));
});
