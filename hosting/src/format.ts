// Words and times for the trader: US Eastern always ("HH:MM ET"), whatever the phone's zone.

const ET_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const ET_DAY = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', dateStyle: 'short' });
const ET_WEEKDAY = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short' });
const ET_MONTH = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  month: 'short',
  year: 'numeric',
});
const RELATIVE = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });

/**
 * "14:05 ET", or "Tue 08:30 ET" when the moment is on another New York day than `nowMs`. The coming
 * midnight, when every token dies, is tonight's "00:00 ET", not tomorrow's.
 */
export function etTime(iso: string | undefined, nowMs: number): string {
  if (iso === undefined) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  const time = `${ET_TIME.format(at)} ET`;
  const sameDay = ET_DAY.format(at) === ET_DAY.format(nowMs);
  return sameDay || isComingMidnight(iso, nowMs) ? time : `${ET_WEEKDAY.format(at)} ${time}`;
}

/** The next 00:00 in New York after `nowMs` (within a day). */
export function isComingMidnight(iso: string, nowMs: number): boolean {
  const at = Date.parse(iso);
  return at > nowMs && at - nowMs <= 24 * 3600_000 && ET_TIME.format(at) === '00:00';
}

/** "Mar 2026". */
export function etMonth(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : ET_MONTH.format(at);
}

/** "15:29:30" above an hour, "4:59" below it. */
export function countdown(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "just now", "3 minutes ago", "in 90 minutes", "5 hours ago". */
export function relative(iso: string | undefined, nowMs: number): string {
  if (iso === undefined) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const seconds = Math.round((at - nowMs) / 1000);
  if (Math.abs(seconds) < 45) return seconds <= 0 ? 'just now' : 'in a moment';
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 120) return RELATIVE.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return RELATIVE.format(hours, 'hour');
  return RELATIVE.format(Math.round(hours / 24), 'day');
}
