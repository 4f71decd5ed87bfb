import type { Logger } from '../log';
import type { Clock } from '../ports/clock';
import { newYorkDate, newYorkInstant } from '../time/newYork';

/** Cloud Scheduler's cadence, in process: keep-alive every 15 minutes, the reminder at 08:30 ET. */
export const KEEP_ALIVE_EVERY_MINUTES = 15;
export const MORNING_ALERT_TIME_ET = '08:30';

export function startScheduler(
  clock: Clock,
  tick: (name: 'keepAlive' | 'morningAlert') => Promise<unknown>,
  log: Logger,
): { stop(): void } {
  let lastMinute = Math.floor(clock.now().getTime() / 60_000);
  const run = (name: 'keepAlive' | 'morningAlert') =>
    void tick(name).catch(() => log.warn('scheduler.tick_failed', { function: name }));
  const timer = setInterval(() => {
    const now = clock.now();
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute === lastMinute) return;
    lastMinute = minute;
    if (minute % KEEP_ALIVE_EVERY_MINUTES === 0) run('keepAlive');
    // Weekdays only, like `30 8 * * 1-5`; the function itself skips NYSE holidays.
    const alertAt = newYorkInstant(newYorkDate(now), MORNING_ALERT_TIME_ET).getTime();
    const weekday = new Date(alertAt).getUTCDay();
    if (Math.floor(alertAt / 60_000) === minute && weekday >= 1 && weekday <= 5) run('morningAlert');
  }, 5_000);
  return { stop: () => clearInterval(timer) };
}
