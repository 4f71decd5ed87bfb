import { inMinutes, newYorkClock } from '../alerts/newYorkText';
import type { Connection } from '../config';
import { clientMessageFor } from '../http/errorMapping';
import { actionUntil } from '../notify/noticeActions';
import type { TokenEvent, TokenEventType } from '../ports/eventBus';
import type { Notice } from '../ports/notifier';
import type { TokenRecord } from '../ports/tokenLedger';

/**
 * What the keep-alive tells the trader and the trading system. Built from the ledger record and an
 * error code only, so no token material can reach a channel or the bus. Each notice says what is
 * true when it is sent and what helps; only one the trader must act on carries a button.
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

/** E*TRADE called the token dead: keep-alive cannot bring it back, a new login (the button) can. */
export function tokenDiedNotice(connection: Connection, errorCode: string, at: Date): Notice {
  return {
    kind: 'token.expired',
    connectionId: connection.id,
    title: `${connection.label}: E*TRADE ended the token early`,
    lines: [
      `E*TRADE refused the token at ${newYorkClock(at)} ET, before its midnight expiry; keep-alive cannot bring it back.`,
      `Trading on ${connection.label} stops until you log in again.`,
    ],
    action: {
      kind: 'renew',
      targets: [{ connectionId: connection.id, label: connection.label }],
      until: actionUntil(at),
    },
    footer: [`Code for support: ${errorCode}.`],
  };
}

/**
 * What helps when keep-alive keeps failing with a code: the API's own words for it, or, where
 * waiting is the remedy, that keep-alive retries by itself. ERR_TOKEN_MISSING (the stored token is
 * gone) needs a login: the notice then carries the button.
 */
const WAIT_CODES: ReadonlySet<string> = new Set([
  'ERR_TRANSIENT',
  'ERR_RATE_LIMITED',
  'ERR_STORE_UNAVAILABLE',
  'ERR_CLOCK_SKEW',
  'ERR_UNKNOWN',
  'ERR_TOKEN_IDLE',
]);

export function keepAliveWarningNotice(
  connection: Connection,
  failures: { streak: number; errorCode: string; idleAt?: Date; at: Date },
): Notice {
  const { streak, errorCode, idleAt, at } = failures;
  const lines: string[] = [];
  if (idleAt && idleAt.getTime() <= at.getTime()) {
    lines.push(
      `${streak} keep-alive runs in a row failed; the token has been idle since ${newYorkClock(idleAt)} ET, so trading calls fail until one works.`,
    );
  } else if (idleAt) {
    lines.push(
      `${streak} keep-alive runs in a row failed; the token goes idle at ${newYorkClock(idleAt)} ET (${inMinutes(idleAt, at)}) unless a call works.`,
    );
  } else {
    lines.push(`${streak} keep-alive runs in a row failed.`);
  }
  const missing = errorCode === 'ERR_TOKEN_MISSING';
  if (missing) {
    lines.push('The stored token cannot be read any more: log in again.');
  } else if (WAIT_CODES.has(errorCode)) {
    // The API's words for the cause; its remedy ("try again") is keep-alive's own job here.
    lines.push(
      `${causeOf(errorCode)} Nothing to do yet: keep-alive tries again every 15 minutes and revives an idle token by itself; you get a message when it works.`,
    );
  } else {
    lines.push(clientMessageFor(errorCode) ?? 'Check the logs for this connection.');
  }
  return {
    kind: 'keepalive.warning',
    connectionId: connection.id,
    title: `${connection.label}: keep-alive failing`,
    lines,
    ...(missing && {
      action: {
        kind: 'renew' as const,
        targets: [{ connectionId: connection.id, label: connection.label }],
        until: actionUntil(at),
      },
    }),
    footer: [`Code for support: ${errorCode}.`],
  };
}

export function keepAliveRecoveredNotice(
  connection: Connection,
  recovery: { outcome: 'touched' | 'renewed'; previousStreak: number },
): Notice {
  const how = recovery.outcome === 'renewed' ? 'revived the idle token' : 'works again';
  return {
    kind: 'keepalive.recovered',
    connectionId: connection.id,
    title: `${connection.label}: keep-alive recovered`,
    lines: [`Keep-alive ${how} after ${recovery.previousStreak} failed runs; nothing to do.`],
  };
}

/** The first sentence of the API's message for a code: what happened, without what to do. */
function causeOf(code: string): string {
  const message = clientMessageFor(code) ?? 'E*TRADE did not answer as expected.';
  return /^.*?[.!?](?=\s|$)/.exec(message)?.[0] ?? message;
}
