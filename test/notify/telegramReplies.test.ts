import { noticeMessage } from '../../shared/notify/telegramHtml';
import { duration, helpNotice, statusNotice } from '../../shared/notify/telegramReplies';
import type { ConnectionStatus, StatusReport } from '../../shared/status/statusReport';
import { parseTelegramHtml } from '../fakes/telegramHtmlParser';

const connection = (overrides: Partial<ConnectionStatus>): ConnectionStatus => ({
  id: 'prod',
  label: 'Live',
  environment: 'prod',
  state: 'active',
  generation: 1,
  keepAlive: { consecutiveFailures: 0 },
  ...overrides,
});

const report = (connections: ConnectionStatus[]): StatusReport => ({
  now: '2026-03-10T14:00:00.000Z',
  asOf: '2026-03-10T13:59:59.600Z',
  midnight: '2026-03-11T04:00:00.000Z',
  secondsToMidnight: 14 * 3600,
  nextMorningAlert: '2026-03-11T12:30:00.000Z',
  connections,
});

describe('the /status reply', () => {
  it('names each state in the trader’s words, with what to do; a button for each that needs a login', () => {
    const notice = statusNotice(
      report([
        connection({ label: 'Live', state: 'active', secondsToExpiry: 14 * 3600 }),
        connection({ id: 'ira', label: 'IRA <2>', state: 'idle', secondsToExpiry: 3600 + 59 }),
        connection({
          id: 'joint',
          label: 'Joint & co',
          state: 'failing',
          secondsToExpiry: 59,
          keepAlive: { consecutiveFailures: 3, lastErrorCode: 'ERR_TRANSIENT' },
        }),
        connection({ id: 'old', label: 'Old', state: 'expired', secondsToExpiry: 0 }),
        connection({ id: 'gone', label: 'Gone', state: 'revoked' }),
        connection({
          id: 'sandbox',
          label: 'Sandbox',
          state: 'missing',
          consumerKey: { ageMonths: 23, warn: true, lapsesAround: '2026-04-01T04:00:00.000Z' },
        }),
      ]),
    );
    expect(notice).toEqual({
      kind: 'chat.status',
      title: 'E*TRADE tokens',
      lines: [
        'Live: active.',
        'IRA <2>: idle (no call for 2 hours) — keep-alive revives it at its next run.',
        'Joint & co: active, but keep-alive is failing; 3 keep-alive runs in a row failed (ERR_TRANSIENT).',
        'Old: expired — log in again.',
        'Gone: revoked — log in again.',
        'Sandbox: no token yet — log in; consumer key 23 months old.',
        'Tokens end at midnight ET, in 14 h 0 min.',
        'Next morning reminder: Wednesday, March 11, 8:30 AM ET.',
      ],
      action: {
        kind: 'renew',
        targets: [
          { connectionId: 'old', label: 'Old' },
          { connectionId: 'gone', label: 'Gone' },
          { connectionId: 'sandbox', label: 'Sandbox' },
        ],
        until: new Date('2026-03-10T14:30:00.000Z'),
      },
    });
    expect(parseTelegramHtml(noticeMessage(notice).html).ok).toBe(true);
  });

  it('no countdown to midnight when every token is dead: it would count to nothing', () => {
    const notice = statusNotice(
      report([
        connection({ state: 'expired' }),
        connection({ id: 'sandbox', label: 'Sandbox', state: 'missing' }),
      ]),
    );
    expect(notice.lines).toEqual([
      'Live: expired — log in again.',
      'Sandbox: no token yet — log in.',
      'Next morning reminder: Wednesday, March 11, 8:30 AM ET.',
    ]);
    expect(notice.action).toMatchObject({
      kind: 'renew',
      targets: [{ connectionId: 'prod' }, { connectionId: 'sandbox' }],
    });
  });

  it('all live: no button', () => {
    expect(statusNotice(report([connection({ state: 'active' })])).action).toBeUndefined();
  });

  it('help lists the commands; an unknown one is shown escaped and shortened', () => {
    expect(noticeMessage(helpNotice()).html.split('\n')[0]).toBe('❔ <b>Commands</b>');
    const unknown = noticeMessage(helpNotice(`/${'<'.repeat(40)}`)).html.split('\n')[0];
    expect(unknown).toBe(`❔ <b>Unknown command /${'&lt;'.repeat(30)}…</b>`);
  });

  it.each([
    [0, 'under a minute'],
    [59, 'under a minute'],
    [60, '1 min'],
    [3599, '59 min'],
    [3600, '1 h 0 min'],
    [86_399, '23 h 59 min'],
  ])('duration(%i) = %s', (seconds, words) => {
    expect(duration(seconds)).toBe(words);
  });
});
