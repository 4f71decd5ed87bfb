import type { AppContext } from '../app/context';
import { AppError } from '../app/errors';
import type { Connection } from '../config';
import { isEtradeError } from '../etrade/errors';
import { DEFAULT_LIFECYCLE_POLICY, recordFacts, tokenTimeline, type TokenTimeline } from '../lifecycle';
import type { TokenEvent } from '../ports/eventBus';
import type { Notice } from '../ports/notifier';
import type { TokenSecret } from '../ports/secretVault';
import type { TokenRecord } from '../ports/tokenLedger';
import { KeepAliveError, stableCode } from './errorCode';
import type { KeepAliveLogs } from './logs';
import { keepAliveEvent, keepAliveRecoveredNotice, keepAliveWarningNotice, tokenDiedNotice } from './notices';
import type { ConnectionKeepAlive, KeepAliveRunOutcome } from './report';

export type KeepAliveContext = Pick<
  AppContext,
  'config' | 'clock' | 'ledger' | 'vault' | 'events' | 'notifier' | 'etrade' | 'log'
>;

interface Run {
  readonly ctx: KeepAliveContext;
  readonly logs: KeepAliveLogs;
  readonly connection: Connection;
  /** As read at the start: every write names its generation, so a newer token is never overwritten. */
  readonly record: TokenRecord;
}

/** E*TRADE's verdict that only a new PIN helps: renewing cannot revive these. */
const DEATH_CODES: ReadonlySet<string> = new Set(['ERR_TOKEN_EXPIRED', 'ERR_TOKEN_REJECTED']);
const { failingAfterStreak } = DEFAULT_LIFECYCLE_POLICY;

/**
 * One connection's keep-alive, start to finish. Never rejects: whatever fails (E*TRADE, the vault,
 * the ledger itself) comes back as a `failed` result with a stable code, so one connection cannot
 * stop the others.
 */
export async function keepAliveConnection(
  ctx: KeepAliveContext,
  logs: KeepAliveLogs,
  connection: Connection,
  options: { readonly force: boolean; readonly record?: TokenRecord },
): Promise<ConnectionKeepAlive> {
  let generation = 0;
  let result: ConnectionKeepAlive;
  try {
    const record = options.record ?? (await ctx.ledger.get(connection.id));
    generation = record.generation;
    result = await keepAlive({ ctx, logs, connection, record }, options.force);
  } catch (error) {
    // Reading the record, or recording the outcome, failed: nothing was written.
    const errorCode = stableCode(error, 'ERR_STORE_UNAVAILABLE');
    logs.unrecorded(connection.id, generation, errorCode);
    result = { connectionId: connection.id, generation, outcome: 'failed', errorCode };
  }
  logs.connection(result);
  return result;
}

async function keepAlive(run: Run, force: boolean): Promise<ConnectionKeepAlive> {
  const { ctx, connection, record } = run;
  const now = ctx.clock.now();
  const timeline = timelineOf(run, record, now);
  if (timeline.state === 'missing' || timeline.state === 'expired' || timeline.state === 'revoked') {
    return outcome(run, 'not-live');
  }
  if (!force && timeline.keepAliveDueAt && now.getTime() < timeline.keepAliveDueAt.getTime()) {
    const write = await ctx.ledger.recordKeepAlive(connection.id, record.generation, {
      at: now,
      outcome: 'skipped',
    });
    return outcome(run, write.applied ? 'skipped' : 'superseded');
  }

  let success: { outcome: 'touched' | 'renewed'; at: Date };
  try {
    success = await callEtrade(run, timeline.state === 'idle');
  } catch (error) {
    const errorCode = stableCode(error, 'ERR_UNKNOWN');
    return DEATH_CODES.has(errorCode) ? died(run, errorCode) : failed(run, errorCode);
  }
  return succeeded(run, success);
}

/**
 * Touch with the cheapest signed call; renew first when idle (ours or E*TRADE's word). Users report
 * renew answering 200 while the token stays dead, so a renewal counts only once a signed call passes.
 */
async function callEtrade(run: Run, idle: boolean): Promise<{ outcome: 'touched' | 'renewed'; at: Date }> {
  const { ctx, connection } = run;
  const pair = await readPair(run);
  const client = await fromStore(() => ctx.etrade.forConnection(connection), 'the consumer key');
  if (!idle) {
    const at = ctx.clock.now();
    try {
      await client.listAccounts(pair);
      return { outcome: 'touched', at };
    } catch (error) {
      if (!isEtradeError(error, 'ERR_TOKEN_IDLE')) throw error;
    }
  }
  await client.renewAccessToken(pair);
  const at = ctx.clock.now();
  await client.listAccounts(pair);
  return { outcome: 'renewed', at };
}

/** The pair of the recorded version, never "the newest": that could be a token not yet recorded. */
async function readPair({ ctx, connection, record }: Run): Promise<TokenSecret> {
  const { secretVersion } = record;
  const stored =
    secretVersion === undefined
      ? undefined
      : await fromStore(() => ctx.vault.readTokenPair(connection.id, secretVersion), 'the token vault');
  if (!stored) {
    throw new KeepAliveError(
      'ERR_TOKEN_MISSING',
      `vault version ${secretVersion ?? '(none)'} of ${connection.id} is not readable`,
    );
  }
  return stored.pair;
}

/** A store error without a code of its own (a network failure, a gRPC status) is ERR_STORE_UNAVAILABLE. */
async function fromStore<T>(read: () => Promise<T>, what: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (stableCode(error, '') !== '') throw error;
    throw new AppError('ERR_STORE_UNAVAILABLE', `${what} could not be read`);
  }
}

async function succeeded(
  run: Run,
  success: { outcome: 'touched' | 'renewed'; at: Date },
): Promise<ConnectionKeepAlive> {
  const { ctx, connection, record } = run;
  const write = await ctx.ledger.recordKeepAlive(connection.id, record.generation, success);
  if (!write.applied) return outcome(run, 'superseded');
  const previousStreak = write.previous?.failureStreak ?? 0;
  if (previousStreak >= failingAfterStreak) {
    const at = ctx.clock.now();
    await announce(
      run,
      keepAliveEvent('keepalive.recovered', write.record, at),
      keepAliveRecoveredNotice(connection, { outcome: success.outcome, previousStreak }),
    );
  }
  return outcome(run, success.outcome);
}

async function failed(run: Run, errorCode: string): Promise<ConnectionKeepAlive> {
  const { ctx, connection, record } = run;
  const at = ctx.clock.now();
  const write = await ctx.ledger.recordKeepAlive(connection.id, record.generation, {
    at,
    outcome: 'failed',
    errorCode,
  });
  if (!write.applied) return outcome(run, 'superseded', errorCode);
  const streak = write.record.keepAlive.failureStreak;
  // Exactly at the threshold: the ledger counts atomically, so one run in the whole streak warns.
  if (streak === failingAfterStreak) {
    const { idleAt } = timelineOf(run, write.record, at);
    await announce(
      run,
      keepAliveEvent('keepalive.failed', write.record, at),
      keepAliveWarningNotice(connection, { streak, errorCode, idleAt, at }),
    );
  }
  return outcome(run, 'failed', errorCode);
}

async function died(run: Run, errorCode: string): Promise<ConnectionKeepAlive> {
  const { ctx, connection, record } = run;
  const at = ctx.clock.now();
  const write = await ctx.ledger.recordDead(connection.id, record.generation, { at, kind: 'died' });
  if (!write.applied) {
    // Same generation: another run recorded (and announced) the death first.
    const sameToken = write.record.generation === record.generation;
    return outcome(run, sameToken ? 'died' : 'superseded', errorCode);
  }
  await announce(
    run,
    keepAliveEvent('token.expired', write.record, at),
    tokenDiedNotice(connection, errorCode, at),
  );
  return outcome(run, 'died', errorCode);
}

/**
 * Best effort after the ledger write: the outcome is recorded either way, and a lost event or notice
 * is logged rather than turned into a failed keep-alive (which would count against a healthy token).
 */
async function announce({ ctx, logs, connection }: Run, event: TokenEvent, notice: Notice): Promise<void> {
  const [published, sent] = await Promise.allSettled([ctx.events.publish(event), ctx.notifier.send(notice)]);
  if (published.status === 'rejected') {
    logs.announceFailed(
      connection.id,
      'event',
      event.type,
      stableCode(published.reason, 'ERR_STORE_UNAVAILABLE'),
    );
  }
  if (sent.status === 'rejected') {
    logs.announceFailed(connection.id, 'notice', notice.kind, stableCode(sent.reason, 'ERR_UNKNOWN'));
  }
}

function timelineOf({ ctx }: Run, record: TokenRecord, now: Date): TokenTimeline {
  return tokenTimeline(recordFacts(record), now, {
    keepAliveLeadMs: ctx.config.keepAliveLeadMinutes * 60_000,
  });
}

function outcome(
  { connection, record }: Run,
  result: KeepAliveRunOutcome,
  errorCode?: string,
): ConnectionKeepAlive {
  return {
    connectionId: connection.id,
    generation: record.generation,
    outcome: result,
    ...(errorCode !== undefined ? { errorCode } : {}),
  };
}
