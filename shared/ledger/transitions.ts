import {
  type ChatAlert,
  FLOW_KEPT_AFTER_EXPIRY_MS,
  KEEP_ALIVE_OUTCOMES,
  RENEWAL_HISTORY_LIMIT,
  type FlowClaim,
  type FlowSummary,
  type GenerationWrite,
  type IssueCommand,
  type IssueResult,
  type KeepAliveHealth,
  type KeepAliveResult,
  type PendingFlow,
  type TokenRecord,
} from '../ports/tokenLedger';
import { assertInstant } from '../time/calendarDate';

/**
 * Every ledger write's semantics as pure functions on plain records. Each adapter reads the current
 * value inside its own transaction, calls one of these and persists the result, so Firestore and the
 * local file cannot drift apart.
 *
 * Convention the adapters rely on: when a write changes nothing, the returned `record` IS `current`
 * (same object), so `result.record !== current` is exactly "there is something to persist".
 */

export function emptyRecord(connectionId: string): TokenRecord {
  return { connectionId, generation: 0, keepAlive: { failureStreak: 0 }, history: [] };
}

/** Newest wins: vault versions only grow, so a version at or below the recorded one is an older token. */
export function applyIssued(current: TokenRecord, command: IssueCommand): IssueResult {
  assertSameConnection(current, command.connectionId);
  assertVersion(command.secretVersion, 'command.secretVersion');
  assertInstant(command.issuedAt, 'command.issuedAt');
  assertInstant(command.expiresAt, 'command.expiresAt');
  if (current.secretVersion !== undefined && Number(current.secretVersion) >= Number(command.secretVersion)) {
    return { outcome: 'superseded', record: current };
  }
  const generation = current.generation + 1;
  const { secretVersion, issuedAt, expiresAt } = command;
  // Outcome, streak and error code describe the replaced token; when the last run happened is still
  // true, and the scheduler reads lastRunAt to pace itself.
  const { lastRunAt, lastSuccessAt } = current.keepAlive;
  const record: TokenRecord = {
    connectionId: current.connectionId,
    generation,
    secretVersion,
    issuedAt,
    expiresAt,
    // Issuing is a signed call: E*TRADE's 2 h idle clock starts now.
    lastUsedAt: issuedAt,
    keepAlive: { lastRunAt, lastSuccessAt, failureStreak: 0 },
    history: [{ generation, secretVersion, issuedAt }, ...current.history].slice(0, RENEWAL_HISTORY_LIMIT),
  };
  return { outcome: 'applied', record };
}

/**
 * `applied` says the generation was current, not that anything moved: an `at` older than the recorded
 * lastUsedAt (a late report) is accepted and ignored, because the caller's view was right. A use
 * after the last failed keep-alive ends the failure streak (resetStreakOnLaterUse).
 */
export function applyUsed(current: TokenRecord, generation: number, at: Date): GenerationWrite<never> {
  assertInstant(at, 'at');
  if (!isCurrent(current, generation)) return { applied: false, record: current };
  const moved =
    current.lastUsedAt && current.lastUsedAt.getTime() >= at.getTime()
      ? current
      : { ...current, lastUsedAt: at };
  return { applied: true, record: resetStreakOnLaterUse(moved) };
}

/** `previous` lets the caller tell "recovered" (streak was > 0, now 0) from "still fine". */
export function applyKeepAlive(
  current: TokenRecord,
  generation: number,
  result: KeepAliveResult,
): GenerationWrite<KeepAliveHealth> {
  assertInstant(result.at, 'result.at');
  if (!(KEEP_ALIVE_OUTCOMES as readonly string[]).includes(result.outcome)) {
    throw new TypeError(
      `result.outcome must be one of ${KEEP_ALIVE_OUTCOMES.join(', ')}, got ${result.outcome}`,
    );
  }
  if (!isCurrent(current, generation)) return { applied: false, record: current };

  const { at, outcome } = result;
  const previous = current.keepAlive;
  // A use since the last failed run ended that streak before this run (records written before the
  // rule existed, or a use recorded late); the streak this run starts from.
  const { failureStreak } = resetStreakOnLaterUse(current).keepAlive;
  const ran = { ...previous, lastRunAt: at, lastOutcome: outcome, failureStreak };
  let record: TokenRecord;
  switch (outcome) {
    case 'skipped':
      // Nothing was called: the run itself neither grows nor resets the streak.
      record = { ...current, keepAlive: ran };
      break;
    case 'failed':
      record = {
        ...current,
        keepAlive: { ...ran, failureStreak: failureStreak + 1, lastErrorCode: result.errorCode },
      };
      break;
    case 'touched':
    case 'renewed':
      // lastErrorCode stays: it names the last failure, which lastSuccessAt now post-dates.
      record = {
        ...current,
        lastUsedAt: later(current.lastUsedAt, at),
        lastRenewedAt: outcome === 'renewed' ? at : current.lastRenewedAt,
        keepAlive: { ...ran, failureStreak: 0, lastSuccessAt: at },
      };
      break;
  }
  // A use dated after this very failure (another instance's clock ahead) outweighs it as well.
  return { applied: true, record: resetStreakOnLaterUse(record), previous };
}

/**
 * The one rule for "the token works" short of a keep-alive success: a use later than the last failed
 * keep-alive run. The failure streak counts runs that failed since the token last proved itself, and
 * a busy trading system proves it all day while every run skips the token, so without this rule a
 * streak from one bad hour outlived the token's recovery: status stuck on `failing`, and the warning
 * at exactly the threshold never armed again for the next real outage.
 *
 * While the streak is positive, `keepAlive.lastRunAt` is that failed run, or a later run that
 * skipped (one with no use since the failure to clear it): comparing with it never clears a streak
 * on a use from before the failure. Returns `record` itself when nothing changes.
 */
function resetStreakOnLaterUse(record: TokenRecord): TokenRecord {
  const { failureStreak, lastRunAt } = record.keepAlive;
  const { lastUsedAt } = record;
  if (failureStreak === 0 || !lastRunAt || !lastUsedAt || lastUsedAt.getTime() <= lastRunAt.getTime()) {
    return record;
  }
  return { ...record, keepAlive: { ...record.keepAlive, failureStreak: 0 } };
}

/** Applied once per generation, so exactly one caller sends the "token died" alert. */
export function applyDead(
  current: TokenRecord,
  generation: number,
  death: { readonly at: Date; readonly kind: 'revoked' | 'died' },
): GenerationWrite<never> {
  assertInstant(death.at, 'death.at');
  if (death.kind !== 'revoked' && death.kind !== 'died') {
    throw new TypeError(`death.kind must be 'revoked' or 'died', got ${String(death.kind)}`);
  }
  if (!isCurrent(current, generation) || current.revokedAt || current.diedAt) {
    return { applied: false, record: current };
  }
  const record =
    death.kind === 'revoked' ? { ...current, revokedAt: death.at } : { ...current, diedAt: death.at };
  return { applied: true, record };
}

/** The claim, and the flow to persist when an attempt was counted (absent: write nothing). */
export interface AttemptDecision {
  readonly claim: FlowClaim;
  readonly updated?: PendingFlow;
}

export function claimAttempt(
  flow: PendingFlow | undefined,
  ownerSession: string,
  now: Date,
  maxAttempts: number,
): AttemptDecision {
  assertInstant(now, 'now');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  // Another session's flow looks exactly like a missing one: its state is none of the caller's business.
  if (!flow || flow.ownerSession !== ownerSession) return { claim: { ok: false, reason: 'not_found' } };
  if (now.getTime() >= flow.expiresAt.getTime()) return { claim: { ok: false, reason: 'expired' } };
  if (flow.attempts >= maxAttempts) return { claim: { ok: false, reason: 'exhausted' } };
  const updated = { ...flow, attempts: flow.attempts + 1 };
  return { claim: { ok: true, flow: updated }, updated };
}

/** What flowsOf returns for a stored flow: no request token, no owner. */
export function flowSummary(flow: PendingFlow): FlowSummary {
  const { id, connectionId, createdAt, expiresAt, attempts } = flow;
  return { id, connectionId, createdAt, expiresAt, attempts };
}

/** When a store may drop an expired flow: FLOW_KEPT_AFTER_EXPIRY_MS after it expired. */
export function flowKeptUntil(flow: Pick<PendingFlow, 'expiresAt'>): Date {
  return new Date(flow.expiresAt.getTime() + FLOW_KEPT_AFTER_EXPIRY_MS);
}

/** Oldest first, ties by id, so every store answers flowsOf and chatAlertsAbout in the same order. */
export function byCreation<T extends { readonly id: string; readonly createdAt: Date }>(a: T, b: T): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function bySending(a: ChatAlert, b: ChatAlert): number {
  return a.sentAt.getTime() - b.sentAt.getTime() || a.messageId - b.messageId;
}

/** The one key of a chat alert in every store. */
export function chatAlertKey(chatId: string, messageId: number): string {
  return `${chatId}/${messageId}`;
}

/** A chat alert about to be stored: checked as strictly as a read would be. */
export function assertChatAlert(alert: ChatAlert): void {
  if (typeof alert.chatId !== 'string' || alert.chatId === '')
    throw new TypeError('alert.chatId must be a non-empty string');
  if (!Number.isSafeInteger(alert.messageId) || alert.messageId < 1) {
    throw new TypeError('alert.messageId must be a positive integer');
  }
  if (
    !Array.isArray(alert.connectionIds) ||
    !alert.connectionIds.every((id) => typeof id === 'string' && id !== '')
  ) {
    throw new TypeError('alert.connectionIds must be an array of connection ids');
  }
  if (typeof alert.notice !== 'string') throw new TypeError('alert.notice must be a string');
  assertInstant(alert.sentAt, 'alert.sentAt');
  assertInstant(alert.expiresAt, 'alert.expiresAt');
}

/**
 * A marker past its expiry counts as absent even before the store's TTL removes it (Firestore TTL
 * deletes up to a day late), so a daily marker can be claimed again the next day.
 */
export function markerIsLive(marker: { readonly expiresAt: Date } | undefined, at: Date): boolean {
  assertInstant(at, 'at');
  return marker !== undefined && marker.expiresAt.getTime() > at.getTime();
}

/**
 * Only the claim that made a marker may give it back: the marker must still carry that claim's
 * holder. A marker claimed without a holder (login links, rate limits) is never released.
 */
export function markerHeldBy(marker: { readonly holder?: string } | undefined, holder: string): boolean {
  assertMarkerHolder(holder);
  return marker?.holder !== undefined && marker.holder === holder;
}

/** A holder is an opaque id of one claim (a random UUID): non-empty, short, stored as it is. */
export function assertMarkerHolder(holder: unknown): asserts holder is string {
  if (typeof holder !== 'string' || holder.length === 0 || holder.length > 128) {
    throw new TypeError('holder must be a non-empty string of at most 128 characters');
  }
}

/** Generation 0 has no token, so nothing can be said about it. */
function isCurrent(current: TokenRecord, generation: number): boolean {
  if (!Number.isInteger(generation) || generation < 0) {
    throw new RangeError(`generation must be a non-negative integer, got ${generation}`);
  }
  return generation !== 0 && generation === current.generation;
}

function later(a: Date | undefined, b: Date): Date {
  return a && a.getTime() >= b.getTime() ? a : b;
}

function assertSameConnection(current: TokenRecord, connectionId: string): void {
  if (current.connectionId !== connectionId) {
    throw new Error(`command for connection ${connectionId} applied to ${current.connectionId}`);
  }
}

/** Versions are compared as numbers (ports/secretVault.ts); anything else would compare as NaN. */
export function assertVersion(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new TypeError(`${name} must be a decimal version id, got ${JSON.stringify(value)}`);
  }
}
