import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app/context';
import { findConnection } from './connections';

/** E*TRADE request tokens live 5 minutes; the flow lives exactly as long. */
export const PIN_FLOW_TTL_MS = 5 * 60_000;

export interface StartedPinFlow {
  readonly flowId: string;
  readonly connectionId: string;
  /** E*TRADE's page where the trader logs in and reads the PIN. */
  readonly authorizeUrl: string;
  readonly expiresAt: Date;
}

/**
 * Step one of the human renewal: a request token, kept server-side as a pending flow bound to the
 * caller's session (the browser only ever sees the flow id and the authorize URL).
 */
export async function startPinFlow(
  ctx: Pick<AppContext, 'config' | 'clock' | 'ledger' | 'etrade' | 'log'>,
  input: { readonly connectionId: unknown; readonly session: string },
): Promise<StartedPinFlow> {
  const connection = findConnection(ctx.config, input.connectionId);
  const client = await ctx.etrade.forConnection(connection);
  const requestToken = await client.getRequestToken();
  const createdAt = ctx.clock.now();
  const flow = {
    id: randomBytes(16).toString('hex'),
    connectionId: connection.id,
    requestToken: requestToken.token,
    requestSecret: requestToken.secret,
    ownerSession: input.session,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + PIN_FLOW_TTL_MS),
    attempts: 0,
  };
  await ctx.ledger.createFlow(flow);
  ctx.log.info('pinflow.started', { connection: connection.id, flow: flow.id });
  return {
    flowId: flow.id,
    connectionId: connection.id,
    authorizeUrl: client.authorizeUrl(requestToken.token),
    expiresAt: flow.expiresAt,
  };
}
