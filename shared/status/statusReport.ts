import type { AppContext } from '../app/context';
import type { Connection } from '../config';
import { consumerKeyAge, recordFacts, tokenTimeline, type TokenState } from '../lifecycle';
import type { KeepAliveOutcome, TokenRecord } from '../ports/tokenLedger';
import { newYorkInstant, nextNewYorkMidnight } from '../time/newYork';
import { memoNextInstant } from '../time/nextInstantMemo';

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
  /**
   * The ledger state below is at least this fresh: when the read behind it began, at most
   * STATUS_MAX_AGE_MS before `now` (plus the read itself). States and countdowns are computed at `now`.
   */
  readonly asOf: string;
  /** The next midnight in New York: when every token issued today dies. */
  readonly midnight: string;
  readonly secondsToMidnight: number;
  readonly nextMorningAlert: string;
  readonly connections: readonly ConnectionStatus[];
}

type Ctx = Pick<AppContext, 'config' | 'clock' | 'calendar' | 'ledgerSnapshots'>;

/** Every connection's token state and deadlines, from the ledger alone: never token material. */
export function statusReport(ctx: Ctx): Promise<StatusReport> {
  return statusReporter(ctx)();
}

/**
 * `statusReport` for a route table that answers many requests: the next morning alert (a calendar
 * scan in New York time) is worked out once per day rather than per request; so is the next midnight
 * (nextNewYorkMidnight memoises itself). That arithmetic was a fifth of a status request's CPU.
 */
export function statusReporter(ctx: Ctx): () => Promise<StatusReport> {
  const ids = ctx.config.connections.map((connection) => connection.id);
  const nextAlert = memoNextInstant((at) => nextMorningAlert(ctx, at));
  return async () => {
    const { records, asOf } = await ctx.ledgerSnapshots.snapshot(ids);
    // Read after the records arrive: states and countdowns are for the moment of the answer.
    const now = ctx.clock.now();
    const midnight = nextNewYorkMidnight(now);
    return {
      now: now.toISOString(),
      asOf: asOf.toISOString(),
      midnight: midnight.toISOString(),
      secondsToMidnight: Math.ceil((midnight.getTime() - now.getTime()) / 1000),
      nextMorningAlert: nextAlert(now).toISOString(),
      connections: ctx.config.connections.map((connection, index) =>
        connectionStatus(connection, records[index], now, ctx.config.keepAliveLeadMinutes),
      ),
    };
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
