import { etTime, relative } from './format';
import type { ConnectionStatus, KeepAliveRunOutcome } from './types';

/** What one forced run did to a connection. */
export const RUN_WORDS: Readonly<Record<KeepAliveRunOutcome, string>> = {
  'not-live': 'nothing to keep alive (no live token)',
  skipped: 'skipped, used recently',
  touched: 'touched, kept active',
  renewed: 'revived from idle',
  failed: 'failed',
  died: 'E*TRADE ended the token; renew it',
  superseded: 'a newer token was saved meanwhile',
};

/** Failure codes a trader may meet, in words; anything else is shown as its code. */
const ERROR_WORDS: Readonly<Record<string, string>> = {
  ERR_TRANSIENT: 'E*TRADE did not respond',
  ERR_RATE_LIMITED: 'E*TRADE is limiting requests',
  ERR_TOKEN_EXPIRED: 'the token ended at midnight',
  ERR_TOKEN_IDLE: 'the token went idle',
  ERR_TOKEN_REJECTED: 'E*TRADE rejected the token',
  ERR_CONSUMER_KEY: 'the consumer key needs renewing',
  ERR_SIGNATURE: 'E*TRADE refused our signature',
  ERR_CLOCK_SKEW: "E*TRADE refused the server's clock",
  ERR_STORE_UNAVAILABLE: 'storage was unavailable',
};

export function errorWords(code: string | undefined): string | undefined {
  return code === undefined ? undefined : (ERROR_WORDS[code] ?? code);
}

/** One line for a connection: "OK · touched 3 minutes ago", "2 failures in a row", "Not run yet". */
export function keepAliveSummary(connection: ConnectionStatus, nowMs: number): string {
  const { lastRunAt, lastOutcome, consecutiveFailures, lastErrorCode } = connection.keepAlive;
  if (consecutiveFailures > 0) {
    const why = errorWords(lastErrorCode);
    const times = consecutiveFailures === 1 ? '1 failure' : `${consecutiveFailures} failures in a row`;
    return why ? `${times}: ${why}` : times;
  }
  if (lastRunAt === undefined || lastOutcome === undefined) return 'Not run yet';
  return `OK · ${lastOutcome} ${relative(lastRunAt, nowMs)}`;
}

/** When the next scheduled keep-alive looks at the token: "09:25 ET (in 15 minutes)", "Now (due 09:25 ET)". */
export function nextKeepAlive(connection: ConnectionStatus, nowMs: number): string {
  const { nextDueAt } = connection.keepAlive;
  const due = nextDueAt === undefined ? undefined : Date.parse(nextDueAt);
  if (due === undefined || Number.isNaN(due)) return 'Nothing to keep alive';
  return due <= nowMs
    ? `Now (due ${etTime(nextDueAt, nowMs)})`
    : `${etTime(nextDueAt, nowMs)} (${relative(nextDueAt, nowMs)})`;
}
