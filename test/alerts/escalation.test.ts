import { runMorningEscalation } from '../../shared/alerts/escalation';
import { runMorningAlert } from '../../shared/alerts/morningAlert';
import { nyseCalendar } from '../../shared/calendar';
import { loadConfig } from '../../shared/config';
import { jsonLogger } from '../../shared/log';
import { fanOutNotifier } from '../../shared/notify/fanOut';
import { ManualClock } from '../../shared/ports/clock';
import { nextNewYorkMidnight } from '../../shared/time/newYork';
import { MemoryTokenLedger } from '../support/memoryTokenLedger';
import { RecordingNotifier } from '../support/recordingNotifier';
import { SwitchableChannel } from '../support/switchableChannel';
import { forEachTimeZone } from '../support/timeZones';

forEachTimeZone(() => {
  describe('runMorningEscalation', () => {
    let clock: ManualClock;
    let ledger: MemoryTokenLedger;
    let notifier: RecordingNotifier;
    let logLines: string[];

    beforeEach(() => {
      clock = new ManualClock(0);
      ledger = new MemoryTokenLedger();
      notifier = new RecordingNotifier();
      logLines = [];
    });

    const ctx = () => ({
      config: loadConfig({}),
      clock,
      calendar: nyseCalendar(),
      ledger,
      notifier,
      log: jsonLogger((line) => void logLines.push(line)),
    });

    const issueProd = (issuedAt: string) =>
      ledger.recordIssued({
        connectionId: 'prod',
        secretVersion: String((ledger.records.get('prod')?.generation ?? 0) + 1),
        issuedAt: new Date(issuedAt),
        expiresAt: nextNewYorkMidnight(new Date(issuedAt)),
      });

    it('sends one louder notice at 09:15 ET when prod is not renewed; redeliveries are already-sent', async () => {
      clock.set('2026-03-10T13:15:00Z'); // Tuesday 09:15 EDT
      const results = [await runMorningEscalation(ctx()), await runMorningEscalation(ctx())];
      expect(results).toEqual([
        { sent: true, reason: 'sent', nyDate: '2026-03-10' },
        { sent: false, reason: 'already-sent', nyDate: '2026-03-10' },
      ]);
      // Its links are made per channel (a button in Telegram, a sign-in link elsewhere), until 09:45.
      expect(notifier.notices).toEqual([
        {
          kind: 'morning.escalation',
          connectionId: 'prod',
          title: 'E*TRADE not renewed: the market opens in 15 min',
          lines: ['The market opens at 9:30 AM ET; the trading system cannot trade until someone logs in.'],
          action: {
            kind: 'renew',
            targets: [{ connectionId: 'prod', label: 'Live', state: 'no token yet.' }],
            until: new Date('2026-03-10T13:45:00Z'),
          },
        },
      ]);
    });

    it('concurrent deliveries send exactly one', async () => {
      clock.set('2026-03-10T13:15:00Z');
      const results = await Promise.all([1, 2, 3, 4].map(() => runMorningEscalation(ctx())));
      expect(results.filter((r) => r.sent)).toHaveLength(1);
      expect(notifier.notices).toHaveLength(1);
    });

    it('is independent of the reminder: both go out once, each under its own marker', async () => {
      clock.set('2026-03-10T12:30:00Z');
      expect(await runMorningAlert(ctx())).toMatchObject({ reason: 'sent' });
      clock.set('2026-03-10T13:15:00Z');
      expect(await runMorningEscalation(ctx())).toMatchObject({ reason: 'sent' });
      expect(await runMorningAlert(ctx())).toMatchObject({ reason: 'already-sent' });
      expect(notifier.notices.map((n) => n.kind)).toEqual(['morning.reminder', 'morning.escalation']);
      expect([...ledger.markers.keys()].sort()).toEqual([
        'morning-alert:2026-03-10',
        'morning-escalation:2026-03-10',
      ]);
    });

    it.each([
      ['09:09 EST, a minute before the window', '2026-11-27T14:09:00Z', 'outside-window'],
      ['09:10 EST, the window opens (open − 20 min)', '2026-11-27T14:10:00Z', 'sent'],
      ['09:29 EST, the last minute', '2026-11-27T14:29:00Z', 'sent'],
      ['09:30 EST, the open', '2026-11-27T14:30:00Z', 'outside-window'],
      ['08:30 EST, the reminder’s time', '2026-11-27T13:30:00Z', 'outside-window'],
    ])('%s → %s', async (_when, at, reason) => {
      clock.set(at);
      expect(await runMorningEscalation(ctx())).toMatchObject({ reason, nyDate: '2026-11-27' });
      expect(notifier.notices).toHaveLength(reason === 'sent' ? 1 : 0);
    });

    it('says how many minutes are left; a run by hand after the open says it is open', async () => {
      clock.set('2026-11-27T14:22:30Z'); // 7½ minutes before the open
      await runMorningEscalation(ctx());
      expect(notifier.notices[0].title).toBe('E*TRADE not renewed: the market opens in 8 min');
      clock.set('2026-11-27T16:00:00Z'); // 11:00 EST, by hand
      await runMorningEscalation(ctx(), { force: true });
      expect(notifier.notices[1]).toMatchObject({
        title: 'E*TRADE not renewed: the market is open',
        lines: ['The market opened at 9:30 AM ET; the trading system cannot trade until someone logs in.'],
      });
    });

    it.each([
      ['Saturday', '2026-03-07T14:15:00Z'],
      ['Sunday', '2026-03-08T13:15:00Z'],
      ['Good Friday', '2026-04-03T13:15:00Z'],
      ['Christmas', '2026-12-25T14:15:00Z'],
    ])('nothing on a %s, forced or not, and no marker', async (_day, at) => {
      clock.set(at);
      expect(await runMorningEscalation(ctx())).toMatchObject({ reason: 'not-trading-day' });
      expect(await runMorningEscalation(ctx(), { force: true })).toMatchObject({ reason: 'not-trading-day' });
      expect(notifier.notices).toEqual([]);
      expect(ledger.markers.size).toBe(0);
    });

    it('nothing once prod was renewed today (08:40 ET), and no marker', async () => {
      await issueProd('2026-03-10T12:40:00Z');
      clock.set('2026-03-10T13:15:00Z');
      expect(await runMorningEscalation(ctx())).toEqual({
        sent: false,
        reason: 'already-renewed',
        nyDate: '2026-03-10',
      });
      expect(ledger.markers.size).toBe(0);
    });

    it('escalates when today’s token already died', async () => {
      const { record } = await issueProd('2026-03-10T11:00:00Z');
      await ledger.recordDead('prod', record.generation, {
        at: new Date('2026-03-10T12:00:00Z'),
        kind: 'died',
      });
      clock.set('2026-03-10T13:15:00Z');
      expect(await runMorningEscalation(ctx())).toMatchObject({ reason: 'sent' });
      expect(notifier.notices[0].action).toMatchObject({
        targets: [
          { connectionId: 'prod', state: 'E*TRADE ended the last token before its midnight expiry.' },
        ],
      });
    });

    it('lists every connection still to renew in one message, a sandbox once it has had a token', async () => {
      await issueProd('2026-03-09T13:00:00Z'); // yesterday's: expired at midnight
      await ledger.recordIssued({
        connectionId: 'sandbox',
        secretVersion: '1',
        issuedAt: new Date('2026-03-09T14:00:00Z'),
        expiresAt: nextNewYorkMidnight(new Date('2026-03-09T14:00:00Z')),
      });
      clock.set('2026-03-10T13:15:00Z');
      expect(await runMorningEscalation(ctx())).toMatchObject({ reason: 'sent' });
      expect(notifier.notices).toHaveLength(1);
      expect(notifier.notices[0].connectionId).toBeUndefined();
      expect(notifier.notices[0].action).toMatchObject({
        targets: [
          { connectionId: 'prod', state: 'the last token expired at midnight ET.' },
          { connectionId: 'sandbox', state: 'the last token expired at midnight ET.' },
        ],
      });
    });
    it('reaching no channel gives the marker back and fails; the redelivery before the open sends one', async () => {
      const telegram = new SwitchableChannel();
      const log = jsonLogger((line) => void logLines.push(line));
      const telegramOnly = {
        ...ctx(),
        notifier: fanOutNotifier([{ name: 'telegram', notifier: telegram }], log),
      };
      clock.set('2026-03-10T13:15:00Z'); // 09:15 EDT
      telegram.down = true;
      await expect(runMorningEscalation(telegramOnly)).rejects.toMatchObject({
        code: 'ERR_NOTICE_UNDELIVERED',
      });
      expect(ledger.markers.has('morning-escalation:2026-03-10')).toBe(false);
      const events = (message: string) =>
        logLines
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((e) => e.message === message);
      expect(events('morning_notice.undelivered')).toEqual([
        expect.objectContaining({
          marker: 'morning-escalation:2026-03-10',
          kind: 'morning.escalation',
          delivered: 0,
          failed: 1,
          released: true,
        }),
      ]);

      telegram.down = false;
      clock.set('2026-03-10T13:16:00Z');
      expect(await runMorningEscalation(telegramOnly)).toMatchObject({ sent: true, reason: 'sent' });
      expect(await runMorningEscalation(telegramOnly)).toMatchObject({ reason: 'already-sent' });
      expect(telegram.received.ofKind('morning.escalation')).toHaveLength(1);
    });

    it('a redelivery at the open, after a failed 09:15 run, is acknowledged without sending', async () => {
      const telegram = new SwitchableChannel();
      const log = jsonLogger((line) => void logLines.push(line));
      const telegramOnly = {
        ...ctx(),
        notifier: fanOutNotifier([{ name: 'telegram', notifier: telegram }], log),
      };
      clock.set('2026-03-10T13:15:00Z');
      telegram.down = true;
      await expect(runMorningEscalation(telegramOnly)).rejects.toMatchObject({
        code: 'ERR_NOTICE_UNDELIVERED',
      });
      telegram.down = false;
      clock.set('2026-03-10T13:30:00Z');
      expect(await runMorningEscalation(telegramOnly)).toMatchObject({
        sent: false,
        reason: 'outside-window',
      });
      expect(JSON.parse(logLines.at(-1)!)).toMatchObject({
        message: 'morning_escalation.decided',
        late: true,
        cutoff: '2026-03-10T13:30:00.000Z',
      });
      expect(telegram.received.notices).toEqual([]);
    });
  });
});
