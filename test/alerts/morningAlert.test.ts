import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FileTokenLedger } from '../../shared/adapters/local/fileTokenLedger';
import { runMorningAlert } from '../../shared/alerts/morningAlert';
import { nyseCalendar } from '../../shared/calendar';
import { loadConfig } from '../../shared/config';
import { jsonLogger } from '../../shared/log';
import { fanOutNotifier } from '../../shared/notify/fanOut';
import { ManualClock } from '../../shared/ports/clock';
import type { Notifier } from '../../shared/ports/notifier';
import { nextNewYorkMidnight } from '../../shared/time/newYork';
import { RecordingNotifier } from '../support/recordingNotifier';
import { SwitchableChannel } from '../support/switchableChannel';
import { forEachTimeZone } from '../support/timeZones';

forEachTimeZone(() => {
  describe('runMorningAlert with the NYSE calendar and the file ledger', () => {
    let dir: string;
    let clock: ManualClock;
    let ledger: FileTokenLedger;
    let notifier: RecordingNotifier;
    let logLines: string[];

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'morning-'));
      clock = new ManualClock(0);
      ledger = new FileTokenLedger(path.join(dir, 'ledger.json'), { clock });
      notifier = new RecordingNotifier();
      logLines = [];
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    function ctx(through: Notifier = notifier) {
      return {
        config: loadConfig({}),
        clock,
        calendar: nyseCalendar(),
        ledger,
        notifier: through,
        log: jsonLogger((line) => void logLines.push(line)),
      };
    }

    const events = (message: string) =>
      logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.message === message);

    /** Records a prod token issued at `issuedAt` (its pair would be in the vault; not needed here). */
    async function issueProd(issuedAt: string, secretVersion = '1') {
      const at = new Date(issuedAt);
      const result = await ledger.recordIssued({
        connectionId: 'prod',
        secretVersion,
        issuedAt: at,
        expiresAt: nextNewYorkMidnight(at),
      });
      return result.record;
    }

    it('sends once on a trading day at 08:30 ET; a duplicate delivery is already-sent', async () => {
      clock.set('2026-03-10T12:30:00Z'); // Tuesday 08:30 EDT

      const first = await runMorningAlert(ctx(), {});
      const second = await runMorningAlert(ctx(), {});

      expect(first).toEqual({ sent: true, reason: 'sent', nyDate: '2026-03-10' });
      expect(second).toEqual({ sent: false, reason: 'already-sent', nyDate: '2026-03-10' });
      expect(notifier.notices).toEqual([
        {
          kind: 'morning.reminder',
          connectionId: 'prod',
          title: 'Renew E*TRADE before the open',
          lines: ['The market opens at 9:30 AM ET today, Tuesday, March 10.'],
          // A never-used sandbox is no chore; each channel makes its own links, working until 09:00.
          action: {
            kind: 'renew',
            targets: [{ connectionId: 'prod', label: 'Live', state: 'no token yet.' }],
            until: new Date('2026-03-10T13:00:00Z'),
          },
        },
      ]);
    });

    it('concurrent duplicate deliveries send exactly one notice', async () => {
      clock.set('2026-03-10T12:30:00Z');
      const results = await Promise.all([1, 2, 3].map(() => runMorningAlert(ctx(), {})));
      expect(results.map((r) => r.reason).sort()).toEqual(['already-sent', 'already-sent', 'sent']);
      expect(notifier.notices).toHaveLength(1);
    });

    it('on 2026-03-09, the first trading day after the switch to EDT, 08:30 EDT is in the window', async () => {
      // 12:30Z is 08:30 EDT; the same UTC time a day earlier in EST terms would be 07:30.
      clock.set('2026-03-09T12:30:00Z');
      const result = await runMorningAlert(ctx(), {});
      expect(result).toEqual({ sent: true, reason: 'sent', nyDate: '2026-03-09' });
      expect(notifier.notices[0].lines[0]).toBe('The market opens at 9:30 AM ET today, Monday, March 9.');

      // 13:30Z is 08:30 in EST but already the 09:30 EDT open: too late.
      clock.set('2026-03-09T13:30:00Z');
      expect(await runMorningAlert(ctx(), {})).toMatchObject({ reason: 'outside-window' });
    });

    it.each([
      ['Saturday', '2026-03-07T13:30:00Z', '2026-03-07'],
      ['Sunday', '2026-03-08T12:30:00Z', '2026-03-08'],
      ['Thanksgiving', '2026-11-26T13:30:00Z', '2026-11-26'],
    ])('sends nothing on a %s, forced or not, and claims no marker', async (_day, at, nyDate) => {
      clock.set(at);
      expect(await runMorningAlert(ctx(), {})).toEqual({ sent: false, reason: 'not-trading-day', nyDate });
      expect(await runMorningAlert(ctx(), { force: true })).toMatchObject({ reason: 'not-trading-day' });
      expect(notifier.notices).toEqual([]);
      expect(
        await ledger.claimMarker(`morning-alert:${nyDate}`, clock.now(), new Date(clock.now().getTime() + 1)),
      ).toBe(true);
    });

    it.each([
      ['07:00 EST, too early', '2026-11-27T12:00:00Z', 'outside-window'],
      ['08:14 EST, a minute before the window', '2026-11-27T13:14:00Z', 'outside-window'],
      ['08:15 EST, the window opens (open − 75 min)', '2026-11-27T13:15:00Z', 'sent'],
      ['09:29 EST, last minute', '2026-11-27T14:29:00Z', 'sent'],
      ['09:30 EST, the open', '2026-11-27T14:30:00Z', 'outside-window'],
      ['a late redelivery at noon', '2026-11-27T17:00:00Z', 'outside-window'],
    ])('%s → %s', async (_when, at, reason) => {
      clock.set(at);
      expect(await runMorningAlert(ctx(), {})).toMatchObject({ reason, nyDate: '2026-11-27' });
      expect(notifier.notices).toHaveLength(reason === 'sent' ? 1 : 0);
    });

    it('mentions an early close (the day after Thanksgiving)', async () => {
      clock.set('2026-11-27T13:30:00Z');
      await runMorningAlert(ctx(), {});
      expect(notifier.notices[0].lines).toContain('Early close today: 1:00 PM ET.');
    });

    it('a forced (manual) run sends whatever the time, every time, and takes the free marker', async () => {
      clock.set('2026-03-10T18:00:00Z'); // 14:00 EDT, after the open
      expect(await runMorningAlert(ctx(), {})).toMatchObject({ reason: 'outside-window' });
      expect(await runMorningAlert(ctx(), { force: true })).toMatchObject({ sent: true, reason: 'sent' });
      expect(await runMorningAlert(ctx(), { force: true })).toMatchObject({ sent: true, reason: 'sent' });
      expect(notifier.notices[0].lines[0]).toBe('The market opened at 9:30 AM ET today, Tuesday, March 10.');
      // The scheduled run the next morning of the same date would not repeat it.
      clock.set('2026-03-10T12:30:00Z');
      expect(await runMorningAlert(ctx(), {})).toMatchObject({ reason: 'already-sent' });
      expect(notifier.notices).toHaveLength(2);
    });

    it('is already-renewed when the prod token was issued today (New York date) and is live', async () => {
      await issueProd('2026-03-10T04:05:00Z'); // 00:05 EDT today, already 20:05 yesterday in UTC−8
      clock.set('2026-03-10T12:30:00Z');
      expect(await runMorningAlert(ctx(), {})).toEqual({
        sent: false,
        reason: 'already-renewed',
        nyDate: '2026-03-10',
      });
      expect(notifier.notices).toEqual([]);
    });

    it('a forced evening run after an evening renewal is already-renewed (New York date, not UTC)', async () => {
      await issueProd('2026-03-11T00:30:00Z'); // 20:30 EDT on the 10th, the 11th in UTC
      clock.set('2026-03-11T01:00:00Z');
      expect(await runMorningAlert(ctx(), { force: true })).toEqual({
        sent: false,
        reason: 'already-renewed',
        nyDate: '2026-03-10',
      });
    });

    it('reminds when the token is from yesterday, saying it expired at midnight', async () => {
      await issueProd('2026-03-10T03:55:00Z'); // 23:55 EDT yesterday: dead at 00:00
      clock.set('2026-03-10T12:30:00Z');
      expect(await runMorningAlert(ctx(), {})).toMatchObject({ reason: 'sent' });
      expect(notifier.notices[0].action).toMatchObject({
        targets: [{ connectionId: 'prod', label: 'Live', state: 'the last token expired at midnight ET.' }],
      });
    });

    it('reminds when today’s token already died', async () => {
      const record = await issueProd('2026-03-10T11:00:00Z');
      await ledger.recordDead('prod', record.generation, {
        at: new Date('2026-03-10T11:30:00Z'),
        kind: 'died',
      });
      clock.set('2026-03-10T12:30:00Z');
      expect(await runMorningAlert(ctx(), {})).toMatchObject({ reason: 'sent' });
      expect(notifier.notices[0].action).toMatchObject({
        targets: [
          { connectionId: 'prod', state: 'E*TRADE ended the last token before its midnight expiry.' },
        ],
      });
    });

    it('one message for every connection: renewed ones as done, the others with a button each', async () => {
      const extra = loadConfig({
        ETRADE_CONNECTIONS: JSON.stringify([{ id: 'ira', environment: 'prod', label: 'IRA' }]),
      });
      await issueProd('2026-03-10T12:10:00Z'); // prod renewed at 08:10 today
      clock.set('2026-03-10T12:30:00Z');
      expect(await runMorningAlert({ ...ctx(), config: extra }, {})).toMatchObject({ reason: 'sent' });
      expect(notifier.notices).toEqual([
        expect.objectContaining({
          connectionId: 'ira',
          lines: [
            'The market opens at 9:30 AM ET today, Tuesday, March 10.',
            '✅ Live: renewed today, active.',
          ],
          action: expect.objectContaining({
            targets: [{ connectionId: 'ira', label: 'IRA', state: 'no token yet.' }],
          }),
        }),
      ]);
    });

    describe('when the reminder reaches no channel', () => {
      let telegram: SwitchableChannel;
      /** A Telegram-only deployment: the real fan-out over one chat channel. */
      const telegramOnly = () =>
        fanOutNotifier(
          [{ name: 'telegram', notifier: telegram }],
          jsonLogger((line) => void logLines.push(line)),
        );
      beforeEach(() => {
        telegram = new SwitchableChannel();
      });

      it('gives the day back and fails the run; the next delivery sends exactly one', async () => {
        clock.set('2026-03-10T12:30:00Z'); // Tuesday 08:30 EDT
        telegram.down = true;
        await expect(runMorningAlert(ctx(telegramOnly()))).rejects.toMatchObject({
          name: 'AppError',
          code: 'ERR_NOTICE_UNDELIVERED',
        });
        expect(events('morning_notice.undelivered')).toEqual([
          expect.objectContaining({
            severity: 'ERROR',
            marker: 'morning-alert:2026-03-10',
            kind: 'morning.reminder',
            delivered: 0,
            failed: 1,
            released: true,
          }),
        ]);
        expect(events('morning_alert.decided')).toEqual([]);

        telegram.down = false;
        clock.set('2026-03-10T12:30:40Z'); // Pub/Sub's redelivery
        expect(await runMorningAlert(ctx(telegramOnly()))).toEqual({
          sent: true,
          reason: 'sent',
          nyDate: '2026-03-10',
        });
        expect(await runMorningAlert(ctx(telegramOnly()))).toMatchObject({ reason: 'already-sent' });
        expect(telegram.received.ofKind('morning.reminder')).toHaveLength(1);
      });

      it('a redelivery at or after the open is acknowledged without sending, and says why', async () => {
        clock.set('2026-03-10T13:29:00Z'); // 09:29 EDT: still in the window, Telegram down
        telegram.down = true;
        await expect(runMorningAlert(ctx(telegramOnly()))).rejects.toMatchObject({
          code: 'ERR_NOTICE_UNDELIVERED',
        });

        telegram.down = false;
        clock.set('2026-03-10T13:30:00Z'); // 09:30 EDT: the open, the reminder's moment has passed
        expect(await runMorningAlert(ctx(telegramOnly()))).toEqual({
          sent: false,
          reason: 'outside-window',
          nyDate: '2026-03-10',
        });
        expect(events('morning_alert.decided').at(-1)).toMatchObject({
          reason: 'outside-window',
          late: true,
          cutoff: '2026-03-10T13:30:00.000Z',
        });
        expect(telegram.received.notices).toEqual([]);
      });

      it('one channel of two is enough: told once, not retried', async () => {
        clock.set('2026-03-10T12:30:00Z');
        telegram.down = true;
        const both = fanOutNotifier(
          [
            { name: 'telegram', notifier: telegram },
            { name: 'slack', notifier },
          ],
          jsonLogger((line) => void logLines.push(line)),
        );
        expect(await runMorningAlert(ctx(both))).toMatchObject({ sent: true, reason: 'sent' });
        telegram.down = false;
        expect(await runMorningAlert(ctx(both))).toMatchObject({ reason: 'already-sent' });
        expect(notifier.notices.map((n) => n.kind)).toEqual(['morning.reminder']);
        expect(telegram.received.notices).toEqual([]);
        expect(events('morning_notice.undelivered')).toEqual([]);
      });

      it('a lone channel that throws told nobody either: released, and its error goes on', async () => {
        clock.set('2026-03-10T12:30:00Z');
        telegram.down = true;
        await expect(runMorningAlert(ctx(telegram))).rejects.toMatchObject({
          name: 'ChannelError',
          code: 'ERR_CHANNEL_UNAVAILABLE',
        });
        expect(events('morning_notice.undelivered')).toEqual([
          expect.objectContaining({ delivered: 0, failed: 1, released: true }),
        ]);
        telegram.down = false;
        expect(await runMorningAlert(ctx(telegram))).toMatchObject({ reason: 'sent' });
        expect(telegram.received.notices).toHaveLength(1);
      });

      it('concurrent deliveries never send twice: not while down, exactly once when back', async () => {
        clock.set('2026-03-10T12:30:00Z');
        telegram.down = true;
        const whileDown = await Promise.allSettled([1, 2, 3].map(() => runMorningAlert(ctx(telegramOnly()))));
        expect(whileDown.filter((r) => r.status === 'fulfilled' && r.value.sent)).toEqual([]);
        expect(whileDown.filter((r) => r.status === 'rejected').length).toBeGreaterThanOrEqual(1);

        telegram.down = false;
        const back = await Promise.all([1, 2, 3].map(() => runMorningAlert(ctx(telegramOnly()))));
        expect(back.map((r) => r.reason).sort()).toEqual(['already-sent', 'already-sent', 'sent']);
        expect(telegram.received.notices).toHaveLength(1);
      });
    });
  });
});
