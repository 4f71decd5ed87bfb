import { performance } from 'node:perf_hooks';

import type { Connection } from '../config';
import type { TokenRecord } from '../ports/tokenLedger';
import { stableCode } from './errorCode';
import { keepAliveConnection, type KeepAliveContext } from './keepAliveConnection';
import { type KeepAliveLogs, keepAliveLogs } from './logs';
import { assertConcurrency, mapWithConcurrency } from './mapWithConcurrency';
import { type ConnectionKeepAlive, type KeepAliveReport, countOutcomes } from './report';

/** Enough to finish hundreds of connections well inside one scheduler tick, gentle on E*TRADE. */
export const DEFAULT_KEEP_ALIVE_CONCURRENCY = 32;

export interface KeepAliveOptions {
  /** Call E*TRADE even for tokens used recently (a manual run); dead tokens are still left alone. */
  readonly force?: boolean;
  /** Connections kept alive at once; default DEFAULT_KEEP_ALIVE_CONCURRENCY. */
  readonly concurrency?: number;
  /** Only these connections, in this order; default every configured one. */
  readonly connectionIds?: readonly string[];
}

/**
 * One keep-alive pass over the connections: each live token that is due gets a signed call (renewed
 * first if idle), and the ledger records how it went under the generation read at the start. Returns
 * a report instead of throwing for any one connection; only invalid options throw.
 */
export async function runKeepAlive(
  ctx: KeepAliveContext,
  options: KeepAliveOptions = {},
): Promise<KeepAliveReport> {
  const started = performance.now();
  const startedAt = ctx.clock.now();
  const concurrency = options.concurrency ?? DEFAULT_KEEP_ALIVE_CONCURRENCY;
  assertConcurrency(concurrency, 'options.concurrency');
  const targets = selectConnections(ctx.config.connections, options.connectionIds);
  const logs = keepAliveLogs(ctx.log);
  const force = options.force === true;

  const records = await prefetch(ctx, logs, targets);
  const connections = await mapWithConcurrency(targets, concurrency, async (target) => {
    if (typeof target !== 'string') {
      return keepAliveConnection(ctx, logs, target, { force, record: records?.get(target.id) });
    }
    const result = unknownConnection(target);
    logs.connection(result);
    return result;
  });
  const report: KeepAliveReport = {
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    connections,
    counts: countOutcomes(connections),
  };
  logs.finished(report);
  return report;
}

/** The configured connections asked for; an id not configured stays a string, reported as failed. */
function selectConnections(
  configured: readonly Connection[],
  ids: readonly string[] | undefined,
): (Connection | string)[] {
  if (ids === undefined) return [...configured];
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new TypeError('options.connectionIds must be an array of connection ids');
  }
  return [...new Set(ids)].map((id) => configured.find((connection) => connection.id === id) ?? id);
}

/**
 * Every record in one batched read: one round trip to Firestore instead of one per connection, and one
 * file load locally. The generations read here are what every write names, so a token exchanged while
 * the run works through the list is never overwritten (its connection reports `superseded`). If the
 * batch fails, each connection reads its own record and fails (or not) on its own.
 */
async function prefetch(
  ctx: KeepAliveContext,
  logs: KeepAliveLogs,
  targets: readonly (Connection | string)[],
): Promise<Map<string, TokenRecord> | undefined> {
  const ids = targets.filter((target): target is Connection => typeof target !== 'string').map((c) => c.id);
  try {
    const records = await ctx.ledger.getMany(ids);
    return new Map(records.map((record) => [record.connectionId, record]));
  } catch (error) {
    logs.batchReadFailed(ids.length, stableCode(error, 'ERR_STORE_UNAVAILABLE'));
    return undefined;
  }
}

function unknownConnection(connectionId: string): ConnectionKeepAlive {
  return { connectionId, generation: 0, outcome: 'failed', errorCode: 'ERR_UNKNOWN_CONNECTION' };
}
