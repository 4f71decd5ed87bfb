import { runMorningAlert } from '../../shared/alerts/morningAlert';
import { nyseCalendar } from '../../shared/calendar';
import { loadConfig } from '../../shared/config';
import { jsonLogger } from '../../shared/log';
import { ManualClock } from '../../shared/ports/clock';
import { nextNewYorkMidnight } from '../../shared/time/newYork';
import { MemoryTokenLedger } from '../support/memoryTokenLedger';
import { RecordingNotifier } from '../support/recordingNotifier';
import { forEachTimeZone } from '../support/timeZones';

/** `ira`'s key was issued 2024-04-15: 23 months (the warning) on 2026-03-15, 24 on 2026-04-15. */
const CONNECTIONS = JSON.stringify([
  { id: 'ira', environment: 'prod', label: 'IRA', consumerKeyCreatedAt: '2024-04-15' },
  { id: 'joint', environment: 'prod', label: 'Joint', consumerKeyCreatedAt: '2025-12-01' },
]);

forEachTimeZone(() => {
  describe('the consumer-key lapse warning, from the morning run', () => {
    let clock: ManualClock;
    let ledger: MemoryTokenLedger;
    let notifier: RecordingNotifier;

    beforeEach(() => {
      clock = new ManualClock(0);
      ledger = new MemoryTokenLedger();
      notifier = new RecordingNotifier();
    });

    const ctx = () => ({
      config: loadConfig({ ETRADE_CONNECTIONS: CONNECTIONS }),
      clock,
      calendar: nyseCalendar(),
      ledger,
      notifier,
      log: jsonLogger(() => undefined),
    });
    const agingNotices = () => notifier.ofKind('consumerKey.aging');

    /** Every delivery of every trading morning (twice each) from `from` for `days` days. */
    async function mornings(from: string, days: number) {
      for (let day = 0; day < days; day++) {
        clock.set(Date.parse(from) + day * 86_400_000);
        await runMorningAlert(ctx());
        await runMorningAlert(ctx());
      }
    }

    it('warns from 23 months on, at most once per New York week, per connection', async () => {
      // Every day 2026-03-09 … 2026-04-26 at 08:30 EDT (12:30Z): the warning starts on 2026-03-16.
      await mornings('2026-03-09T12:30:00Z', 7 * 7);
      const days = agingNotices().map((n) => n.connectionId);
      expect(days).toEqual(['ira', 'ira', 'ira', 'ira', 'ira', 'ira']);
      expect(agingNotices()[0]).toEqual({
        kind: 'consumerKey.aging',
        connectionId: 'ira',
        title: 'IRA: consumer key is near its 2-year lapse',
        lines: [
          'The consumer key is 23 months old; E*TRADE stops accepting keys about 2 years after issue (around April 15, 2026).',
          'Request a new key from E*TRADE, store it in the secret etrade-oauth-ira-consumer, then set consumerKeyCreatedAt; renewing the token cannot help.',
        ],
      });
      expect(agingNotices().at(-1)?.title).toBe('IRA: consumer key has reached its 2-year lapse');
      const weeks = [...ledger.markers.keys()].filter((key) => key.startsWith('consumer-key-aging:'));
      expect(weeks).toEqual([
        'consumer-key-aging:ira:2026-03-16',
        'consumer-key-aging:ira:2026-03-23',
        'consumer-key-aging:ira:2026-03-30',
        'consumer-key-aging:ira:2026-04-06',
        'consumer-key-aging:ira:2026-04-13',
        'consumer-key-aging:ira:2026-04-20',
      ]);
    });

    it('goes out even when every live login is already renewed, and is reported in the result', async () => {
      for (const connectionId of ['prod', 'ira', 'joint']) {
        await ledger.recordIssued({
          connectionId,
          secretVersion: '1',
          issuedAt: new Date('2026-03-17T12:00:00Z'),
          expiresAt: nextNewYorkMidnight(new Date('2026-03-17T12:00:00Z')),
        });
      }
      clock.set('2026-03-17T12:30:00Z');
      expect(await runMorningAlert(ctx())).toEqual({
        sent: false,
        reason: 'already-renewed',
        nyDate: '2026-03-17',
        consumerKeyWarnings: ['ira'],
      });
      expect(await runMorningAlert(ctx())).toEqual({
        sent: false,
        reason: 'already-renewed',
        nyDate: '2026-03-17',
      });
    });

    it('not from a late or an off-day delivery', async () => {
      clock.set('2026-03-17T17:00:00Z'); // after the open
      expect(await runMorningAlert(ctx())).toMatchObject({ reason: 'outside-window' });
      clock.set('2026-03-21T12:30:00Z'); // Saturday
      expect(await runMorningAlert(ctx())).toMatchObject({ reason: 'not-trading-day' });
      expect(agingNotices()).toEqual([]);
    });
  });
});
