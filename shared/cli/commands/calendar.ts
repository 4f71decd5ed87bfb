import { formatInTimeZone } from 'date-fns-tz';
import { nyseCalendar } from '../../calendar';
import { MORNING_ALERT_TIME_ET, MORNING_ESCALATION_TIME_ET } from '../../local/scheduler';
import { NEW_YORK, addCalendarDays, newYorkDate, newYorkInstant } from '../../time/newYork';
import type { Command } from '../command';
import { column } from '../format';
import type { Style } from '../io';

export interface AlertTime {
  readonly at: string;
  /** `HH:mm`, New York. */
  readonly et: string;
  /** `yyyy-MM-dd HH:mm` in the process's time zone. */
  readonly local: string;
  readonly passed: boolean;
}

export interface TradingDay {
  readonly date: string;
  readonly weekday: string;
  readonly open: string;
  readonly earlyClose: boolean;
  readonly reminder: AlertTime;
  readonly escalation: AlertTime;
}

export interface CalendarAnswer {
  readonly now: string;
  readonly localTimeZone: string;
  readonly days: readonly TradingDay[];
  /** Weekdays in the range the exchange is closed, with the holiday's name. */
  readonly closed: readonly { readonly date: string; readonly name: string }[];
}

/**
 * `calendar [--days N]`: the next N NYSE trading days (today's first while its open is ahead) with
 * the morning reminder (08:30 ET) and escalation (09:15 ET) in New York and in local time. Needs no
 * backend: the calendar is rules in the code, the same the morning alert uses.
 */
export const calendar: Command = async (ctx) => {
  const answer = tradingDays(ctx.clock.now(), ctx.invocation.days);
  return { data: answer, human: calendarLines(answer, ctx.style) };
};

export function tradingDays(now: Date, count: number): CalendarAnswer {
  const market = nyseCalendar();
  const days: TradingDay[] = [];
  const closed: { date: string; name: string }[] = [];
  let date = newYorkDate(market.nextOpen(now));
  for (; days.length < count; date = addCalendarDays(date, 1)) {
    const open = market.openOn(date);
    if (!open) {
      const name = market.holidayName(date);
      if (name !== undefined && days.length > 0) closed.push({ date, name });
      continue;
    }
    days.push({
      date,
      weekday: formatInTimeZone(open, NEW_YORK, 'EEE'),
      open: open.toISOString(),
      earlyClose: market.isEarlyClose(date),
      reminder: alertTime(date, MORNING_ALERT_TIME_ET, now),
      escalation: alertTime(date, MORNING_ESCALATION_TIME_ET, now),
    });
  }
  return { now: now.toISOString(), localTimeZone: localTimeZone(), days, closed };
}

function alertTime(date: string, et: string, now: Date): AlertTime {
  const at = newYorkInstant(date, et);
  return { at: at.toISOString(), et, local: localWallClock(at), passed: at.getTime() <= now.getTime() };
}

/** The process's own zone (TZ), which is what "local" means to the person at the terminal. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function localWallClock(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

function calendarLines(answer: CalendarAnswer, style: Style): string[] {
  const zone = answer.localTimeZone;
  const lines = [
    `Next ${answer.days.length} NYSE trading days — morning alerts in ET and local time (${zone}):`,
    style.dim(`${column('date', 16)}${column('reminder', 30)}${column('escalation', 30)}open`),
  ];
  const when = (alert: AlertTime) => {
    const text = column(`${alert.et} ET = ${alert.local.slice(5)}`, 30);
    return alert.passed ? style.dim(text) : text;
  };
  for (const day of answer.days) {
    const close = day.earlyClose ? style.yellow(' (early close 13:00 ET)') : '';
    lines.push(
      `${column(`${day.weekday} ${day.date}`, 16)}${when(day.reminder)}${when(day.escalation)}09:30 ET${close}`,
    );
  }
  for (const holiday of answer.closed) lines.push(style.dim(`closed ${holiday.date}: ${holiday.name}`));
  return lines;
}
