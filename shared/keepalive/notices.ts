import { newYorkClock } from '../alerts/newYorkText';
import type { Connection } from '../config';
import type { TokenEvent, TokenEventType } from '../ports/eventBus';
import type { Notice } from '../ports/notifier';
import type { TokenRecord } from '../ports/tokenLedger';

/**
 * What the keep-alive tells the trader and the trading system. Built from the ledger record and an
 * error code only, so no token material can reach a channel or the bus.
 */

/** The event for `record`'s generation; the trading system matches it by generation. */
export function keepAliveEvent(type: TokenEventType, record: TokenRecord, at: Date): TokenEvent {
  return {
    type,
    connectionId: record.connectionId,
    generation: record.generation,
    secretVersion: record.secretVersion,
    expiresAt: record.expiresAt?.toISOString(),
    at: at.toISOString(),
  };
}

export function tokenDiedNotice(connection: Connection, errorCode: string, pageUrl?: string): Notice {
  return {
    kind: 'token.expired',
    connectionId: connection.id,
    title: `${connection.label}: E*TRADE token died before midnight`,
    lines: [
      `E*TRADE refused the token during a keep-alive (${errorCode}); renewing cannot revive it.`,
      'Trading on this connection stops until someone logs in again with a new PIN.',
    ],
    ...linkTo(pageUrl, 'Log in again'),
  };
}

export function keepAliveWarningNotice(
  connection: Connection,
  failures: { streak: number; errorCode: string; idleAt?: Date },
  pageUrl?: string,
): Notice {
  const lines = [`${failures.streak} keep-alives in a row failed; the last with ${failures.errorCode}.`];
  if (failures.idleAt) {
    lines.push(
      `Without a successful call the token goes idle at ${newYorkClock(failures.idleAt)} ET; keep-alive keeps trying until then.`,
    );
  }
  return {
    kind: 'keepalive.warning',
    connectionId: connection.id,
    title: `${connection.label}: keep-alive failing`,
    lines,
    ...linkTo(pageUrl, 'Check the token'),
  };
}

export function keepAliveRecoveredNotice(
  connection: Connection,
  recovery: { outcome: 'touched' | 'renewed'; previousStreak: number },
): Notice {
  const how = recovery.outcome === 'renewed' ? 'renewed the idle token' : 'kept the token active';
  return {
    kind: 'keepalive.recovered',
    connectionId: connection.id,
    title: `${connection.label}: keep-alive recovered`,
    lines: [`A keep-alive ${how} after ${recovery.previousStreak} failures in a row.`],
  };
}

function linkTo(url: string | undefined, text: string): Pick<Notice, 'link'> {
  return url ? { link: { text, url } } : {};
}
