import type { Connection } from '../config';
import { type ConsumerKeyAge, consumerKeyAge } from '../lifecycle';
import type { Notice } from '../ports/notifier';
import { weekdayOf } from '../time/calendarDate';
import { addCalendarDays, newYorkDate, newYorkInstant } from '../time/newYork';
import { newYorkLongDate } from './newYorkText';
import type { MorningCtx } from './tradingMorning';

/** A marker per connection and New York week (Monday's date): the warning goes out at most weekly. */
const AGING_MARKER_TTL_MS = 8 * 24 * 60 * 60_000;

/**
 * Warns about every connection whose consumer key is within a month of E*TRADE's ~2-year lapse
 * (`consumerKeyAge(...).warn`), at most once per New York week per connection, whichever delivery
 * of whichever morning run gets there first. Returns the connections warned in this call.
 */
export async function warnAgingConsumerKeys(
  ctx: Pick<MorningCtx, 'config' | 'ledger' | 'notifier'>,
  now: Date,
): Promise<string[]> {
  const week = mondayOf(newYorkDate(now));
  const warned: string[] = [];
  for (const connection of ctx.config.connections) {
    if (!connection.consumerKeyCreatedAt) continue;
    const age = consumerKeyAge(newYorkInstant(connection.consumerKeyCreatedAt), now);
    if (!age.warn) continue;
    const key = `consumer-key-aging:${connection.id}:${week}`;
    if (!(await ctx.ledger.claimMarker(key, now, new Date(now.getTime() + AGING_MARKER_TTL_MS)))) continue;
    await ctx.notifier.send(consumerKeyAgingNotice(connection, age));
    warned.push(connection.id);
  }
  return warned;
}

export function consumerKeyAgingNotice(connection: Connection, age: ConsumerKeyAge): Notice {
  const lapse = newYorkLongDate(age.lapsesAround);
  const lapsed = age.months >= 24;
  return {
    kind: 'consumerKey.aging',
    connectionId: connection.id,
    title: `${connection.label}: consumer key ${lapsed ? 'has reached' : 'is near'} its 2-year lapse`,
    lines: [
      `The consumer key is ${age.months} months old; E*TRADE stops accepting keys about 2 years after issue (around ${lapse}).`,
      `Request a new key from E*TRADE, store it in the secret ${connection.consumerSecretId}, then set consumerKeyCreatedAt; renewing the token cannot help.`,
    ],
  };
}

/** The Monday that starts the week of a `yyyy-MM-dd` date (weekdayOf: 0 = Sunday). */
function mondayOf(nyDate: string): string {
  return addCalendarDays(nyDate, -((weekdayOf(nyDate) + 6) % 7));
}
