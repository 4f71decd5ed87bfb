import type { Logger } from '../log';
import type { Clock } from '../ports/clock';
import { newYorkDate, newYorkInstant } from '../time/newYork';

/**
 * Cloud Scheduler's cadence, in process: keep-alive every 15 minutes, the reminder at 08:30 ET and
 * its escalation (`{"stage":"escalation"}` on the same topic) at 09:15 ET.
 */
export const KEEP_ALIVE_EVERY_MINUTES = 15;
export const MORNING_ALERT_TIME_ET = '08:30';
export const MORNING_ESCALATION_TIME_ET = '09:15';

export function startScheduler(
  clock: Clock,
  tick: (name: 'keepAlive' | 'morningAlert', json?: Record<string, unknown>) => Promise<unknown>,
  log: Logger,
): { stop(): void } {
  let lastMinute = Math.floor(clock.now().getTime() / 60_000);
  const run = (name: 'keepAlive' | 'morningAlert', json?: Record<string, unknown>) =>
    void tick(name, json).catch(() => log.warn('scheduler.tick_failed', { function: name }));
  const weekdayAt = (now: Date, time: string, minute: number) => {
    const at = newYorkInstant(newYorkDate(now), time).getTime();
    const weekday = new Date(at).getUTCDay();
    return Math.floor(at / 60_000) === minute && weekday >= 1 && weekday <= 5;
  };
  const timer = setInterval(() => {
    const now = clock.now();
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute === lastMinute) return;
    lastMinute = minute;
    if (minute % KEEP_ALIVE_EVERY_MINUTES === 0) run('keepAlive');
    // Weekdays only, like `30 8 * * 1-5` / `15 9 * * 1-5`; the function itself skips NYSE holidays.
    if (weekdayAt(now, MORNING_ALERT_TIME_ET, minute)) run('morningAlert');
    if (weekdayAt(now, MORNING_ESCALATION_TIME_ET, minute)) run('morningAlert', { stage: 'escalation' });
  }, 5_000);
  return { stop: () => clearInterval(timer) };
}
