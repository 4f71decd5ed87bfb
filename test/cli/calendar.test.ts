import { formatInTimeZone } from 'date-fns-tz';
import { ManualClock } from '../../shared/ports/clock';
import { forEachTimeZone } from '../support/timeZones';
import { runCli } from './cliHarness';

interface Alert {
  at: string;
  et: string;
  local: string;
  passed: boolean;
}
interface Day {
  date: string;
  weekday: string;
  open: string;
  earlyClose: boolean;
  reminder: Alert;
  escalation: Alert;
}

async function calendar(at: string, ...argv: string[]) {
  const run = await runCli(['calendar', ...argv], { clock: new ManualClock(at) });
  expect(run.code).toBe(0);
  return run;
}

/** `calendar` reads no store and no network: the NYSE rules and the two alert times, in ET and local. */
forEachTimeZone((timeZone) => {
  describe('etrade-oauth calendar', () => {
    it('--days 5 from the morning before Thanksgiving: skips the holiday, flags the early close', async () => {
      const run = await calendar('2026-11-25T13:00:00Z', '--days', '5', '--json');
      const answer = JSON.parse(run.stdout) as { localTimeZone: string; days: Day[]; closed: unknown[] };
      expect(answer.localTimeZone).toBe(timeZone);
      expect(answer.days.map((day) => `${day.weekday} ${day.date}`)).toEqual([
        'Wed 2026-11-25',
        'Fri 2026-11-27',
        'Mon 2026-11-30',
        'Tue 2026-12-01',
        'Wed 2026-12-02',
      ]);
      expect(answer.closed).toEqual([{ date: '2026-11-26', name: 'Thanksgiving Day' }]);
      expect(answer.days.map((day) => day.earlyClose)).toEqual([false, true, false, false, false]);
      expect(answer.days[0]).toMatchObject({
        open: '2026-11-25T14:30:00.000Z',
        reminder: { at: '2026-11-25T13:30:00.000Z', et: '08:30', passed: false },
        escalation: { at: '2026-11-25T14:15:00.000Z', et: '09:15', passed: false },
      });
      for (const day of answer.days) {
        for (const alert of [day.reminder, day.escalation]) {
          expect(alert.local).toBe(formatInTimeZone(new Date(alert.at), timeZone, 'yyyy-MM-dd HH:mm'));
        }
      }
    });

    it('prints the local wall-clock time beside ET for people', async () => {
      const run = await calendar('2026-11-25T13:00:00Z', '--days', '2');
      const local = {
        UTC: '11-25 13:30',
        'America/New_York': '11-25 08:30',
        'Asia/Tokyo': '11-25 22:30',
        'America/Santiago': '11-25 10:30',
        'Australia/Lord_Howe': '11-26 00:30', // already the next day there
      }[timeZone];
      expect(run.stdout).toContain(`(${timeZone})`);
      expect(run.stdout).toMatch(new RegExp(`^Wed 2026-11-25 +08:30 ET = ${local} `, 'm'));
      expect(run.stdout).toMatch(/^Fri 2026-11-27 .*09:30 ET \(early close 13:00 ET\)$/m);
      expect(run.stdout).toMatch(/^closed 2026-11-26: Thanksgiving Day$/m);
    });

    it('keeps 08:30 ET across the March DST switch (the UTC instant moves, the ET time does not)', async () => {
      const run = await calendar('2027-03-12T12:00:00Z', '--days', '2', '--json');
      const days = (JSON.parse(run.stdout) as { days: Day[] }).days;
      expect(days.map((day) => [day.date, day.reminder.at, day.reminder.et])).toEqual([
        ['2027-03-12', '2027-03-12T13:30:00.000Z', '08:30'],
        ['2027-03-15', '2027-03-15T12:30:00.000Z', '08:30'],
      ]);
    });

    it('lists today while its opening bell is ahead, marking alerts already sent', async () => {
      const run = await calendar('2026-11-25T14:20:00Z', '--days', '1', '--json');
      const [today] = (JSON.parse(run.stdout) as { days: Day[] }).days;
      expect(today).toMatchObject({
        date: '2026-11-25',
        reminder: { passed: true },
        escalation: { passed: true },
      });
      const after = await calendar('2026-11-25T14:31:00Z', '--days', '1', '--json');
      expect((JSON.parse(after.stdout) as { days: Day[] }).days[0].date).toBe('2026-11-27');
    });
  });
});
