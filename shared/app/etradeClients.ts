import type { Connection } from '../config';
import { EtradeClient } from '../etrade/client';
import type { RetryPolicy } from '../etrade/retry';
import type { Logger } from '../log';
import type { Clock } from '../ports/clock';
import type { SecretReader } from '../ports/secretReader';
import { AppError } from './errors';

export interface EtradeClientsOptions {
  readonly secrets: SecretReader;
  readonly clock: Clock;
  readonly log: Logger;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * One E*TRADE client per connection, built from the consumer key/secret its secret holds (JSON
 * `{"key": …, "secret": …}`), memoised for the life of the instance: a client keeps the clock
 * offset it learned from E*TRADE.
 */
export class EtradeClients {
  private readonly clients = new Map<string, Promise<EtradeClient>>();

  constructor(private readonly options: EtradeClientsOptions) {}

  forConnection(connection: Connection): Promise<EtradeClient> {
    let client = this.clients.get(connection.id);
    if (!client) {
      client = this.build(connection);
      // A failed read (secret missing, store down) must not be cached: the next call tries again.
      client.catch(() => this.clients.delete(connection.id));
      this.clients.set(connection.id, client);
    }
    return client;
  }

  private async build(connection: Connection): Promise<EtradeClient> {
    const raw = await this.options.secrets.read(connection.consumerSecretId);
    const consumer = parseConsumer(raw);
    if (!consumer) {
      throw new AppError(
        'ERR_CONSUMER_MISSING',
        `The consumer key for connection "${connection.id}" is not configured (secret ${connection.consumerSecretId})`,
        { connection: connection.id },
      );
    }
    const { clock, log, retry, timeoutMs, sleep } = this.options;
    return new EtradeClient({
      consumer,
      endpoints: connection.endpoints,
      clock: () => clock.now().getTime(),
      log,
      retry,
      timeoutMs,
      sleep,
    });
  }
}

function parseConsumer(raw: string | undefined): { key: string; secret: string } | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as { key?: unknown; secret?: unknown };
    if (typeof value.key === 'string' && value.key && typeof value.secret === 'string' && value.secret) {
      return { key: value.key, secret: value.secret };
    }
  } catch {
    // fall through: reported as missing, without echoing the value
  }
  return undefined;
}
