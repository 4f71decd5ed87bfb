import type { AppContext } from '../app/context';
import { compareVersions } from '../ports/secretVault';
import type { IssueCommand, IssueResult, TokenRecord } from '../ports/tokenLedger';

type Ctx = Pick<AppContext, 'ledger' | 'vault' | 'log'>;

/**
 * The ledger step of a PIN exchange. The new pair is already a vault version; unless it ends up
 * recorded it must not stay enabled, or a reader of the vault's newest version (Secret Manager's
 * `latest`) would take a token the system neither knows nor keeps alive. So when the write fails, or
 * a newer token was recorded meanwhile, the new version is disabled again (best effort) and the
 * previous token stays the current one, as the caller is told.
 *
 * Resolves `applied` when our version is recorded (also when that is only found out after an error),
 * `superseded` when another token is recorded and ours was rolled back; rethrows the ledger's error
 * after rolling back.
 */
export async function recordOrRollBack(ctx: Ctx, command: IssueCommand): Promise<IssueResult> {
  let result: IssueResult;
  try {
    result = await ctx.ledger.recordIssued(command);
  } catch (error) {
    const record = await recordedAnyway(ctx, command);
    if (record) return confirmed(ctx, command, record);
    await rollBack(ctx, command, 'ledger_failed');
    throw error;
  }
  if (result.outcome === 'applied') return result;
  // Versions are never reused, so a record naming ours was written by us: a transaction the client
  // ran again after its first commit landed unseen. Disabling it would leave the ledger pointing at
  // an unreadable token.
  if (isOurs(result.record, command)) return confirmed(ctx, command, result.record);
  await rollBack(ctx, command, 'superseded');
  return result;
}

/**
 * The record, if the failed write landed after all (its answer lost). When the ledger cannot be read
 * either, we do not know, and roll back anyway: a commit landing unseen behind an error the client
 * gave up retrying is far rarer than one that never left, and the two mistakes differ. An enabled
 * unrecorded version is silent (a `latest` reader uses a token nothing keeps alive); a disabled
 * recorded one is loud (the trading client and keep-alive report it unreadable) and is replaced by
 * the renewal the trader is told to redo.
 */
async function recordedAnyway(ctx: Ctx, command: IssueCommand): Promise<TokenRecord | undefined> {
  try {
    const record = await ctx.ledger.get(command.connectionId);
    return isOurs(record, command) ? record : undefined;
  } catch {
    return undefined;
  }
}

function isOurs(record: TokenRecord, command: IssueCommand): boolean {
  return (
    record.secretVersion !== undefined && compareVersions(record.secretVersion, command.secretVersion) === 0
  );
}

function confirmed(ctx: Ctx, command: IssueCommand, record: TokenRecord): IssueResult {
  ctx.log.info('pinflow.record_confirmed', {
    connection: command.connectionId,
    secretVersion: command.secretVersion,
  });
  return { outcome: 'applied', record };
}

async function rollBack(
  ctx: Ctx,
  command: IssueCommand,
  reason: 'ledger_failed' | 'superseded',
): Promise<void> {
  const fields = { connection: command.connectionId, secretVersion: command.secretVersion, reason };
  try {
    await ctx.vault.disableVersion(command.connectionId, command.secretVersion);
    ctx.log.warn('pinflow.rolled_back', fields);
  } catch (error) {
    // Left enabled: the next renewal's disableOlderVersions disables it.
    ctx.log.error('pinflow.rollback_failed', { ...fields, code: storeErrorCode(error) });
  }
}

/** The store's own ERR_ code (SecretVaultError); a gRPC status or network failure is an outage. */
function storeErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_') ? code : 'ERR_STORE_UNAVAILABLE';
}
