import type { AppContext } from '../app/context';
import { AppError, isAppError } from '../app/errors';
import type { Connection } from '../config';
import { isEtradeError } from '../etrade/errors';
import { normaliseVerifier } from '../etrade/verifier';
import type { TokenPair } from '../oauth1/signer';
import { nextNewYorkMidnight } from '../time/newYork';
import { findConnection } from './connections';
import { renewalFailedNotice, renewalSucceededNotice } from './notices';
import { recordOrRollBack } from './recordOrRollBack';

/** A flow allows this many PIN tries; a sixth guess needs a new request token. */
export const MAX_PIN_ATTEMPTS = 5;

/** The steps of a PIN exchange, in order. Before `ledger` commits, the previous token stays current. */
export const EXCHANGE_STEPS = [
  'exchange',
  'verify',
  'vault',
  'ledger',
  'disable',
  'prune',
  'publish',
  'notify',
] as const;
export type ExchangeStep = (typeof EXCHANGE_STEPS)[number];

/** Disabled token versions kept for a manual rollback; older ones are destroyed (they are billed). */
export const DISABLED_VERSIONS_KEPT = 1;

export interface ExchangedToken {
  readonly connectionId: string;
  readonly generation: number;
  readonly secretVersion: string;
  readonly expiresAt: Date;
  readonly accounts: number;
  /** Steps after the commit that failed: the new token is stored and current, but e.g. not announced. */
  readonly warnings: readonly ExchangeStep[];
}

type Ctx = Pick<AppContext, 'config' | 'clock' | 'ledger' | 'vault' | 'events' | 'outbox' | 'etrade' | 'log'>;

/**
 * Step two of the human renewal: PIN → access token → proven with a signed call → stored (new vault
 * version) → recorded (new generation, in a transaction) → older versions disabled → announced.
 * A failure before the ledger commit leaves the previous token current and usable; one at the commit
 * (or a newer token recorded meanwhile) also disables the new version again (recordOrRollBack).
 */
export async function exchangePin(
  ctx: Ctx,
  input: { readonly flowId: unknown; readonly pin: unknown; readonly session: string },
): Promise<ExchangedToken> {
  // A malformed PIN costs neither an attempt nor a request.
  const verifier = normaliseVerifier(input.pin);
  if (typeof input.flowId !== 'string' || !/^[0-9a-f]{32}$/.test(input.flowId)) {
    throw new AppError('ERR_BAD_REQUEST', 'flowId must be the id returned by requestToken');
  }
  const claim = await ctx.ledger.claimFlowAttempt(
    input.flowId,
    input.session,
    ctx.clock.now(),
    MAX_PIN_ATTEMPTS,
  );
  if (!claim.ok) throw flowError(claim.reason);
  const { flow } = claim;
  const connection = findConnection(ctx.config, flow.connectionId);

  let step: ExchangeStep = 'exchange';
  try {
    const client = await ctx.etrade.forConnection(connection);
    const accessToken = await client.getAccessToken(
      { token: flow.requestToken, secret: flow.requestSecret },
      verifier,
    );
    // The request token is spent either way from here: a retry with the same flow cannot succeed.
    // Deleting the flow needs no answer before the proof, so it runs beside the signed call.
    const flowDeleted = ctx.ledger.deleteFlow(flow.id).catch(() => undefined);
    step = 'verify';
    const accounts = await client.listAccounts(accessToken);
    await flowDeleted;
    step = 'vault';
    const stored = await store(ctx, connection, accessToken, accounts.length);
    ctx.log.info('pinflow.exchanged', {
      connection: connection.id,
      generation: stored.generation,
      secretVersion: stored.secretVersion,
      warnings: stored.warnings.join(',') || undefined,
    });
    return stored;
  } catch (error) {
    const code = errorCode(error);
    // A wrong PIN is the person's to retry, with the tries this flow has left: no notice for a typo.
    if (isEtradeError(error, 'ERR_VERIFIER_REJECTED')) {
      const attemptsLeft = Math.max(0, MAX_PIN_ATTEMPTS - flow.attempts);
      ctx.log.warn('pinflow.failed', { connection: connection.id, step, code, attemptsLeft });
      throw pinRejected(attemptsLeft);
    }
    const failed = failedStep(error, step);
    ctx.log.warn('pinflow.failed', { connection: connection.id, step: failed, code });
    // The same error the caller gets below (withStep), so the chat words it as the API does; queued
    // like the success notice, so a slow chat channel never holds up the answer.
    await ctx.outbox
      .post(renewalFailedNotice(connection, failed, withStep(error, failed), ctx.clock.now()))
      .catch(() => ctx.log.warn('notify.failed', { kind: 'renewal.failed' }));
    throw withStep(error, failed);
  }
}

/**
 * E*TRADE did not take the PIN (any 401 at access_token: etrade/classify.ts). Callers (page, chat,
 * CLI) say "code not accepted, N tries left" from `details.attemptsLeft`; at 0 the flow is spent.
 */
function pinRejected(attemptsLeft: number): AppError {
  return new AppError('ERR_VERIFIER_REJECTED', 'E*TRADE did not accept that PIN. Check it and try again.', {
    step: 'exchange',
    attemptsLeft,
  });
}

async function store(
  ctx: Ctx,
  connection: Connection,
  pair: TokenPair,
  accounts: number,
): Promise<ExchangedToken> {
  const secretVersion = await ctx.vault.putTokenPair(connection.id, pair);
  const issuedAt = ctx.clock.now();
  const expiresAt = nextNewYorkMidnight(issuedAt);
  const recorded = await atStep('ledger', () =>
    recordOrRollBack(ctx, { connectionId: connection.id, secretVersion, issuedAt, expiresAt }),
  );
  if (recorded.outcome === 'superseded') {
    throw new StepError(
      'ledger',
      new AppError('ERR_SUPERSEDED', 'A newer token was stored meanwhile; it stays current'),
    );
  }
  const { generation } = recorded.record;
  // The token this one replaces: disabled below, kept for a manual rollback.
  const previous = recorded.record.history.find((entry) => entry.generation < generation)?.secretVersion;
  const failed = new Set<ExchangeStep>();
  // After the commit every step is best effort: the new token is already the current one.
  const attempt = async (name: ExchangeStep, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      failed.add(name);
      ctx.log.warn('pinflow.step_failed', { connection: connection.id, step: name, code: errorCode(error) });
    }
  };
  const warnings = () => EXCHANGE_STEPS.filter((name) => failed.has(name));
  // None of these needs another's answer, so they run at once: one wait instead of five round trips.
  // Pruning beside the disabling looks only below the previous token's version, which the disabling is
  // turning into the disabled version kept for a rollback: the two cannot race.
  await Promise.all([
    attempt('disable', () => ctx.vault.disableOlderVersions(connection.id, secretVersion)),
    attempt('prune', () =>
      previous === undefined
        ? ctx.vault.destroyDisabledVersions(connection.id, DISABLED_VERSIONS_KEPT)
        : ctx.vault.destroyDisabledVersions(connection.id, DISABLED_VERSIONS_KEPT - 1, previous),
    ),
    attempt('publish', () =>
      ctx.events.publish({
        type: 'token.renewed',
        connectionId: connection.id,
        generation,
        secretVersion,
        expiresAt: expiresAt.toISOString(),
        at: issuedAt.toISOString(),
      }),
    ),
  ]);
  const announced = { connectionId: connection.id, generation, secretVersion, expiresAt, accounts };
  // After them, so the notice names exactly the steps that failed; queued, not sent: no chat channel,
  // however slow, holds up this answer (the `notices` function delivers it, with retries).
  await attempt('notify', () =>
    ctx.outbox.post(renewalSucceededNotice(connection, { ...announced, warnings: warnings() })),
  );
  return { ...announced, warnings: warnings() };
}

class StepError extends Error {
  constructor(
    readonly step: ExchangeStep,
    readonly original: unknown,
  ) {
    super(step);
  }
}

async function atStep<T>(step: ExchangeStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StepError(step, error);
  }
}

function failedStep(error: unknown, current: ExchangeStep): ExchangeStep {
  return error instanceof StepError ? error.step : current;
}

function errorCode(error: unknown): string {
  const inner = error instanceof StepError ? error.original : error;
  return isEtradeError(inner) || isAppError(inner) ? inner.code : 'ERR_INTERNAL';
}

/** E*TRADE and app errors keep their code; store failures become ERR_STORE_UNAVAILABLE; all name the step. */
function withStep(error: unknown, step: ExchangeStep): Error {
  const inner = error instanceof StepError ? error.original : error;
  if (isEtradeError(inner)) return inner;
  if (isAppError(inner)) return new AppError(inner.code, inner.message, { ...inner.details, step });
  const what = step === 'vault' ? 'storing the new token' : 'recording the new token';
  return new AppError('ERR_STORE_UNAVAILABLE', `Failed while ${what}; the previous token is still current`, {
    step,
  });
}

function flowError(reason: 'not_found' | 'expired' | 'exhausted'): AppError {
  switch (reason) {
    case 'not_found':
      return new AppError('ERR_FLOW_NOT_FOUND', 'No such login in progress; start again');
    case 'expired':
      return new AppError('ERR_FLOW_EXPIRED', 'The 5-minute login window closed; start again');
    case 'exhausted':
      return new AppError('ERR_FLOW_EXHAUSTED', `Too many PIN attempts (${MAX_PIN_ATTEMPTS}); start again`, {
        attemptsLeft: 0,
      });
  }
}
