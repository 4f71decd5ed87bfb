import { formatInTimeZone } from 'date-fns-tz';
import { NEW_YORK } from '../time/newYork';

/**
 * "12 minutes", "6 h 12 min", "2 d 3 h": how long until a deadline, for people. Whole minutes,
 * rounded down, so a countdown never promises more time than there is.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 60) return 'less than a minute';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** "00:00 ET": the wall-clock time in New York, whatever the process time zone. */
export function formatNewYorkTime(at: Date): string {
  return `${formatInTimeZone(at, NEW_YORK, 'HH:mm')} ET`;
}
