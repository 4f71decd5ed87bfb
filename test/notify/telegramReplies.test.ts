import { duration, helpMessage, statusMessage } from '../../shared/notify/telegramReplies';
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
  it('names each state in the trader’s words, with what to do, and the deadlines', () => {
    const message = statusMessage(
      report([
        connection({ label: 'Live', state: 'active', secondsToExpiry: 14 * 3600 }),
        connection({ label: 'IRA <2>', state: 'idle', secondsToExpiry: 3600 + 59 }),
        connection({
          label: 'Joint & co',
          state: 'failing',
          secondsToExpiry: 59,
          keepAlive: { consecutiveFailures: 3, lastErrorCode: 'ERR_TRANSIENT' },
        }),
        connection({ label: 'Old', state: 'expired', secondsToExpiry: 0 }),
        connection({ label: 'Gone', state: 'revoked' }),
        connection({
          label: 'Sandbox',
          state: 'missing',
          consumerKey: { ageMonths: 23, warn: true, lapsesAround: '2026-04-01T04:00:00.000Z' },
        }),
      ]),
    );
    expect(message).toEqual({
      html: [
        '📊 <b>E*TRADE tokens</b>',
        'Live: active; expires in 14 h 0 min',
        'IRA &lt;2&gt;: idle — renew it on the page; expires in 1 h 0 min',
        'Joint &amp; co: keep-alive failing; expires in under a minute; 3 keep-alive failure(s) in a row, last ERR_TRANSIENT',
        'Old: expired — log in again',
        'Gone: revoked — log in again',
        'Sandbox: no token yet; consumer key 23 months old',
        'Tokens end at midnight ET, in 14 h 0 min.',
        'Next morning reminder: Wednesday, March 11, 8:30 AM ET.',
      ].join('\n'),
      silent: true,
    });
    expect(parseTelegramHtml(message.html).ok).toBe(true);
  });

  it('help lists the commands; an unknown one is shown escaped and shortened', () => {
    expect(helpMessage().html.split('\n')[0]).toBe('❔ <b>Commands</b>');
    const unknown = helpMessage(`/${'<'.repeat(40)}`).html.split('\n')[0];
    expect(unknown).toBe(`❔ <b>Unknown command</b> <code>/${'&lt;'.repeat(30)}…</code>`);
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
