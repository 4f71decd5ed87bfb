import type { AppContext } from '../app/context';
import { TradingClientError } from '../client/errors';
import { isEtradeError } from '../etrade/errors';
import { recordFacts, tokenTimeline } from '../lifecycle';
import { findConnection } from '../pinflow/connections';
import type { RevokeAnswer } from './backend';

type Ctx = Pick<AppContext, 'config' | 'clock' | 'ledger' | 'vault' | 'events' | 'etrade' | 'log'>;

/**
 * Revokes the connection's current token at E*TRADE, then records it (`revokedAt`) and announces
 * `token.revoked`. A token E*TRADE already calls dead is recorded as revoked all the same: either
 * way it can never be used again. Local mode only: no HTTP route exposes it (yet).
 */
export async function revokeToken(ctx: Ctx, connectionId: string): Promise<RevokeAnswer> {
  const connection = findConnection(ctx.config, connectionId);
  const record = await ctx.ledger.get(connection.id);
  const { generation, secretVersion } = record;
  if (generation === 0 || secretVersion === undefined) {
    throw new TradingClientError('ERR_NO_TOKEN', `Connection ${connection.id} has no token to revoke`);
  }
  const answer = (outcome: RevokeAnswer['outcome'], at: Date): RevokeAnswer => ({
    connectionId: connection.id,
    generation,
    outcome,
    revokedAt: at.toISOString(),
  });
  if (record.revokedAt && tokenTimeline(recordFacts(record), ctx.clock.now()).state === 'revoked') {
    return answer('already-revoked', record.revokedAt);
  }
  const stored = await ctx.vault.readTokenPair(connection.id, secretVersion);
  if (!stored) {
    throw new TradingClientError(
      'ERR_TOKEN_UNREADABLE',
      `Vault version ${secretVersion} of ${connection.id} is not readable (disabled or destroyed)`,
    );
  }
  const client = await ctx.etrade.forConnection(connection);
  let outcome: RevokeAnswer['outcome'] = 'revoked';
  try {
    await client.revokeAccessToken(stored.pair);
  } catch (error) {
    if (!isEtradeError(error, 'ERR_TOKEN_EXPIRED') && !isEtradeError(error, 'ERR_TOKEN_REJECTED'))
      throw error;
    outcome = 'already-dead';
  }
  const at = ctx.clock.now();
  const write = await ctx.ledger.recordDead(connection.id, generation, { at, kind: 'revoked' });
  ctx.log.info('cli.token_revoked', {
    connection: connection.id,
    generation,
    outcome,
    recorded: write.applied,
  });
  if (write.applied) {
    await ctx.events
      .publish({
        type: 'token.revoked',
        connectionId: connection.id,
        generation,
        secretVersion,
        at: at.toISOString(),
      })
      .catch(() => ctx.log.warn('cli.revoke_not_announced', { connection: connection.id, generation }));
  }
  return answer(outcome, at);
}
