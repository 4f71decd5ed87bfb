import type { AppContext } from '../app/context';
import type { Connection } from '../config';
import { consumerKeyAge, recordFacts, tokenTimeline, type TokenState } from '../lifecycle';
import type { KeepAliveOutcome, TokenRecord } from '../ports/tokenLedger';
import { newYorkInstant, nextNewYorkMidnight } from '../time/newYork';

/** Minutes before the 09:30 ET open that the morning reminder goes out (Cloud Scheduler: 08:30 ET). */
export const MORNING_ALERT_LEAD_MINUTES = 60;

export interface KeepAliveStatus {
  readonly lastRunAt?: string;
  readonly lastOutcome?: KeepAliveOutcome;
  readonly lastErrorCode?: string;
  readonly consecutiveFailures: number;
  /** When the next keep-alive call is due for this token (past = overdue). */
  readonly nextDueAt?: string;
}

export interface ConnectionStatus {
  readonly id: string;
  readonly label: string;
  readonly environment: string;
  readonly state: TokenState;
  readonly generation: number;
  readonly issuedAt?: string;
  readonly lastUsedAt?: string;
  readonly idleAt?: string;
  readonly expiresAt?: string;
  readonly secondsToIdle?: number;
  readonly secondsToExpiry?: number;
  readonly keepAlive: KeepAliveStatus;
  readonly consumerKey?: {
    readonly ageMonths: number;
    readonly warn: boolean;
    readonly lapsesAround: string;
  };
}

export interface StatusReport {
  readonly now: string;
  /** The next midnight in New York: when every token issued today dies. */
  readonly midnight: string;
  readonly secondsToMidnight: number;
  readonly nextMorningAlert: string;
  readonly connections: readonly ConnectionStatus[];
}

type Ctx = Pick<AppContext, 'config' | 'clock' | 'calendar' | 'ledger'>;

/** Every connection's token state and deadlines, from the ledger alone: never token material. */
export async function statusReport(ctx: Ctx): Promise<StatusReport> {
  const now = ctx.clock.now();
  const records = await ctx.ledger.getMany(ctx.config.connections.map((connection) => connection.id));
  const midnight = nextNewYorkMidnight(now);
  return {
    now: now.toISOString(),
    midnight: midnight.toISOString(),
    secondsToMidnight: Math.ceil((midnight.getTime() - now.getTime()) / 1000),
    nextMorningAlert: nextMorningAlert(ctx, now).toISOString(),
    connections: ctx.config.connections.map((connection, index) =>
      connectionStatus(connection, records[index], now, ctx.config.keepAliveLeadMinutes),
    ),
  };
}

function connectionStatus(
  connection: Connection,
  record: TokenRecord,
  now: Date,
  leadMinutes: number,
): ConnectionStatus {
  const timeline = tokenTimeline(recordFacts(record), now, { keepAliveLeadMs: leadMinutes * 60_000 });
  const iso = (at: Date | undefined) => at?.toISOString();
  const keyCreated = connection.consumerKeyCreatedAt;
  const age = keyCreated ? consumerKeyAge(newYorkInstant(keyCreated), now) : undefined;
  return {
    id: connection.id,
    label: connection.label,
    environment: connection.environment,
    state: timeline.state,
    generation: record.generation,
    issuedAt: iso(record.issuedAt),
    lastUsedAt: iso(record.lastUsedAt),
    idleAt: iso(timeline.idleAt),
    expiresAt: iso(timeline.expiresAt),
    secondsToIdle: timeline.secondsToIdle,
    secondsToExpiry: timeline.secondsToExpiry,
    keepAlive: {
      lastRunAt: iso(record.keepAlive.lastRunAt),
      lastOutcome: record.keepAlive.lastOutcome,
      // The code of the last failure only means something while the last run failed.
      lastErrorCode: record.keepAlive.lastOutcome === 'failed' ? record.keepAlive.lastErrorCode : undefined,
      consecutiveFailures: record.keepAlive.failureStreak,
      nextDueAt: iso(timeline.keepAliveDueAt),
    },
    consumerKey: age && {
      ageMonths: age.months,
      warn: age.warn,
      lapsesAround: age.lapsesAround.toISOString(),
    },
  };
}

/** The next 08:30 ET reminder on a trading day that is still ahead of `now`. */
export function nextMorningAlert(ctx: Pick<AppContext, 'calendar'>, now: Date): Date {
  const leadMs = MORNING_ALERT_LEAD_MINUTES * 60_000;
  // nextOpen(after) is strictly after; shifting by the lead finds the open whose alert is still ahead.
  return new Date(ctx.calendar.nextOpen(new Date(now.getTime() + leadMs)).getTime() - leadMs);
}
