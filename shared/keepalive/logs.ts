import type { Logger } from '../log';
import type { ConnectionKeepAlive, KeepAliveReport } from './report';

/**
 * Every line the keep-alive writes, in one place. Fields are ids, generations, outcomes and codes:
 * never a token, a secret or an error message (which could quote a response).
 */
export function keepAliveLogs(log: Logger) {
  return {
    connection(result: ConnectionKeepAlive): void {
      const fields = {
        connection: result.connectionId,
        generation: result.generation,
        outcome: result.outcome,
        code: result.errorCode,
      };
      if (result.outcome === 'failed' || result.outcome === 'died') log.warn('keepalive.connection', fields);
      else if (result.outcome === 'not-live' || result.outcome === 'skipped')
        log.debug('keepalive.connection', fields);
      else log.info('keepalive.connection', fields);
    },
    /** The batched read of every record failed: each connection now reads its own. */
    batchReadFailed(connections: number, code: string): void {
      log.warn('keepalive.batch_read_failed', { connections, code });
    },
    /** The outcome could not even be recorded (store down): the next run tries again. */
    unrecorded(connectionId: string, generation: number, code: string): void {
      log.error('keepalive.unrecorded', { connection: connectionId, generation, code });
    },
    /** The ledger has the outcome, but an event or a notice about it was lost. */
    announceFailed(connectionId: string, channel: 'event' | 'notice', kind: string, code: string): void {
      log.error('keepalive.announce_failed', { connection: connectionId, channel, kind, code });
    },
    finished(report: KeepAliveReport): void {
      log.info('keepalive.finished', {
        connections: report.connections.length,
        durationMs: report.durationMs,
        ...report.counts,
      });
    },
  };
}

export type KeepAliveLogs = ReturnType<typeof keepAliveLogs>;
