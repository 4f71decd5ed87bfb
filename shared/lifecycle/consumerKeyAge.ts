import { addCalendarMonths, assertInstant, fullMonthsBetween } from '../time/calendarDate';
import { newYorkDate, newYorkInstant } from '../time/newYork';

/** E*TRADE consumer keys stop working (`consumer_key_rejected`) about two years after creation. */
export const CONSUMER_KEY_LIFETIME_MONTHS = 24;
/** One month of notice: enough to request a new key from E*TRADE before the old one lapses. */
export const CONSUMER_KEY_WARN_MONTHS = 23;

export interface ConsumerKeyAge {
  /** Whole calendar months since creation, counted on New York dates (0 if `now` is earlier). */
  months: number;
  warn: boolean;
  /** Midnight ET starting the second anniversary: `months` reaches 24 exactly then. The real lapse is approximate. */
  lapsesAround: Date;
}

/**
 * Months are counted on New York calendar dates, not local ones, so the warning flips on the same
 * day for every instance whatever its time zone. Day precision is plenty for a month's notice.
 */
export function consumerKeyAge(createdAt: Date, now: Date): ConsumerKeyAge {
  assertInstant(createdAt, 'createdAt');
  assertInstant(now, 'now');
  const created = newYorkDate(createdAt);
  const months = fullMonthsBetween(created, newYorkDate(now));
  return {
    months,
    warn: months >= CONSUMER_KEY_WARN_MONTHS,
    lapsesAround: newYorkInstant(addCalendarMonths(created, CONSUMER_KEY_LIFETIME_MONTHS)),
  };
}
