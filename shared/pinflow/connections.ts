import type { AppConfig, Connection } from '../config';
import { AppError } from '../app/errors';

/** The configured connection with this id, or ERR_UNKNOWN_CONNECTION naming it. */
export function findConnection(config: Pick<AppConfig, 'connections'>, connectionId: unknown): Connection {
  const connection = config.connections.find((candidate) => candidate.id === connectionId);
  if (!connection) {
    const known = config.connections.map((candidate) => candidate.id).join(', ');
    throw new AppError('ERR_UNKNOWN_CONNECTION', `Unknown connection; configured: ${known}`);
  }
  return connection;
}
