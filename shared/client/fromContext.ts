import type { AppContext } from '../app/context';
import { findConnection } from '../pinflow/connections';
import { readConsumer } from './consumer';
import { type TradingClientOptions, TradingClient } from './tradingClient';

/**
 * A trading client on a composition root's ports: `createContext(env)` picks Firestore + Secret
 * Manager (USE_GCP=1) or the local files, and the connection's endpoints and consumer key come from
 * the same configuration the functions use.
 */
export async function tradingClientFor(
  ctx: Pick<AppContext, 'config' | 'ledger' | 'vault' | 'secrets' | 'clock' | 'log'>,
  connectionId: string,
  options: Pick<TradingClientOptions, 'events' | 'usageThrottleMs' | 'http' | 'log'> = {},
): Promise<TradingClient> {
  const connection = findConnection(ctx.config, connectionId);
  return new TradingClient({
    connectionId: connection.id,
    vault: ctx.vault,
    ledger: ctx.ledger,
    consumer: await readConsumer(ctx.secrets, connection.consumerSecretId),
    endpoints: connection.endpoints,
    clock: ctx.clock,
    log: ctx.log,
    ...options,
  });
}
