import { readMorningStage, runMorningStage } from '../../shared/alerts/morningStage';
import { nyseCalendar } from '../../shared/calendar';
import { loadConfig } from '../../shared/config';
import { silentLogger } from '../../shared/log';
import { ManualClock } from '../../shared/ports/clock';
import type { Notice, Notifier } from '../../shared/ports/notifier';
import { addCalendarDays, nextNewYorkMidnight, newYorkInstant } from '../../shared/time/newYork';
import { MemoryTokenLedger } from '../support/memoryTokenLedger';
import { forEachTimeZone } from '../support/timeZones';

/** What Cloud Scheduler publishes to the morning topic, as the function receives it. */
const SCHEDULE = [
  { time: '08:30', payload: '{}' }, // `30 8 * * 1-5`
  { time: '09:15', payload: '{"stage":"escalation"}' }, // `15 9 * * 1-5`
] as const;
/** Pub/Sub redelivers: each scheduled message arrives twice, the second 90 s later. */
const REDELIVERY_MS = 90_000;
const MINUTE = 60_000;

/** Days the trader renews at 08:40 ET: a mix of weekdays across the years. */
const renewsOn = (nyDate: string) => Number(nyDate.slice(8, 10)) % 4 === 0;

const wallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

forEachTimeZone(() => {
  it('every day of 2025–2027: the reminder once at open − 60 min, the escalation once at open − 15 min unless renewed, nothing on closed days', async () => {
    const calendar = nyseCalendar();
    const clock = new ManualClock(0);
    const ledger = new MemoryTokenLedger();
    const sent: { notice: Notice; at: Date }[] = [];
    const notifier: Notifier = { send: async (notice) => void sent.push({ notice, at: clock.now() }) };
    const ctx = {
      config: loadConfig({}),
      clock,
      calendar,
      ledger,
      notifier,
      log: silentLogger,
    };

    const days: string[] = [];
    for (let day = '2025-01-01'; day <= '2027-12-31'; day = addCalendarDays(day, 1)) days.push(day);

    for (const nyDate of days) {
      for (const { time, payload } of SCHEDULE) {
        const stage = readMorningStage(JSON.parse(payload) as Record<string, unknown>)!;
        const at = newYorkInstant(nyDate, time).getTime();
        for (const delivery of [at, at + REDELIVERY_MS]) {
          clock.set(delivery);
          await runMorningStage(ctx, stage);
        }
        if (time === '08:30' && renewsOn(nyDate)) {
          const issuedAt = newYorkInstant(nyDate, '08:40');
          const version = String((ledger.records.get('prod')?.generation ?? 0) + 1);
          await ledger.recordIssued({
            connectionId: 'prod',
            secretVersion: version,
            issuedAt,
            expiresAt: nextNewYorkMidnight(issuedAt),
          });
        }
      }
    }

    const byDay = new Map<string, { kind: string; at: Date }[]>();
    for (const { notice, at } of sent) {
      const nyDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(at);
      byDay.set(nyDate, [...(byDay.get(nyDate) ?? []), { kind: notice.kind, at }]);
    }
    const wrong: string[] = [];
    const tradingDays: Record<string, number> = {};
    for (const nyDate of days) {
      const got = byDay.get(nyDate) ?? [];
      const open = calendar.openOn(nyDate);
      if (!open) {
        if (got.length > 0) wrong.push(`${nyDate}: closed, but sent ${got.map((g) => g.kind).join(', ')}`);
        continue;
      }
      tradingDays[nyDate.slice(0, 4)] = (tradingDays[nyDate.slice(0, 4)] ?? 0) + 1;
      const expected = [{ kind: 'morning.reminder', at: new Date(open.getTime() - 60 * MINUTE) }];
      if (!renewsOn(nyDate)) {
        expected.push({ kind: 'morning.escalation', at: new Date(open.getTime() - 15 * MINUTE) });
      }
      const show = (list: { kind: string; at: Date }[]) =>
        list.map((n) => `${n.kind}@${wallClock.format(n.at)}`).join(', ');
      if (show(got) !== show(expected) || got.some((n, i) => n.at.getTime() !== expected[i].at.getTime())) {
        wrong.push(`${nyDate}: expected ${show(expected)}, got ${show(got)}`);
      }
    }

    expect(wrong).toEqual([]);
    // 261 weekdays a year, less the NYSE's weekday closures: 11 in 2025 (with the 2025-01-09 day of
    // mourning), 10 in 2026, 10 in 2027 (Juneteenth, Independence Day and Christmas observed on Fridays/Mondays).
    expect(tradingDays).toEqual({ '2025': 250, '2026': 251, '2027': 251 });
    // And the reminders read 08:30 / 09:15 on a New York wall clock, through both DST switches.
    const times = new Set(sent.map(({ at }) => wallClock.format(at)));
    expect([...times].sort()).toEqual(['08:30', '09:15']);
  });
});
