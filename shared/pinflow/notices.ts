import { midnightWords } from '../alerts/newYorkText';
import type { Connection } from '../config';
import { clientMessageFor, toErrorResponse } from '../http/errorMapping';
import { actionUntil } from '../notify/noticeActions';
import type { Notice } from '../ports/notifier';

/** What failed, in the trader's words, by the step of the exchange it failed at. */
const STEP_WORDS: Readonly<Record<string, string>> = {
  exchange: 'E*TRADE did not exchange the code for a token.',
  verify: 'The new token failed its first signed call.',
  vault: 'The new token could not be stored.',
  ledger: 'The new token could not be recorded.',
};

/** Steps after the commit: the token is current, only these follow-ups failed. */
const FOLLOW_UP_WORDS: Readonly<Record<string, string>> = {
  disable: 'older tokens were not disabled',
  prune: 'old versions were not cleaned up',
  publish: 'the trading system was not told (it switches when its old token fails)',
  notify: 'the other chat channels were not told',
};

/**
 * Codes where renewing again can help (E*TRADE or the store was briefly away, the code or window was
 * the problem): the failure notice carries a new button. For the others (a consumer key or secret to
 * fix, a newer token already current) another login cannot help, and the notice says what does.
 */
export const RETRY_HELPS: ReadonlySet<string> = new Set([
  'ERR_TRANSIENT',
  'ERR_RATE_LIMITED',
  'ERR_CLOCK_SKEW',
  'ERR_UNKNOWN',
  'ERR_STORE_UNAVAILABLE',
  'ERR_TOKEN_REJECTED',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_IDLE',
  'ERR_VERIFIER_REJECTED',
  'ERR_FLOW_EXPIRED',
  'ERR_FLOW_EXHAUSTED',
  'ERR_FLOW_NOT_FOUND',
  'ERR_INTERNAL',
]);

export function renewalSucceededNotice(
  connection: Connection,
  result: { generation: number; expiresAt: Date; accounts: number; warnings: readonly string[] },
  now: Date = new Date(result.expiresAt.getTime() - 1),
): Notice {
  const accounts = `${result.accounts} open account${result.accounts === 1 ? '' : 's'}`;
  const lines = [
    `Valid until ${midnightWords(result.expiresAt, now)}; keep-alive keeps it active until then.`,
  ];
  if (result.warnings.length > 0) {
    const what = result.warnings.map((step) => FOLLOW_UP_WORDS[step] ?? step).join('; ');
    lines.push(`It is stored and current, but ${what}.`);
  }
  return {
    kind: 'renewal.succeeded',
    connectionId: connection.id,
    title: `${connection.label}: token renewed`,
    lines,
    footer: [`${accounts}; for support: generation ${result.generation}.`],
  };
}

/**
 * A renewal that failed, in the words the API answered with for the same error (one cause, one
 * wording: shared/http/errorMapping.ts), and the next step that helps for its code.
 */
export function renewalFailedNotice(connection: Connection, step: string, error: unknown, now: Date): Notice {
  const { code, message } = toErrorResponse(error).body.error;
  const retry = RETRY_HELPS.has(code);
  return {
    kind: 'renewal.failed',
    connectionId: connection.id,
    title: `${connection.label}: renewal failed`,
    lines: [
      STEP_WORDS[step] ?? `The ${step} step failed.`,
      clientMessageFor(code) ?? message,
      'The previous token, if any, is still the current one.',
    ],
    ...(retry && {
      action: {
        kind: 'renew' as const,
        targets: [{ connectionId: connection.id, label: connection.label }],
        until: actionUntil(now),
      },
    }),
    footer: [`Code for support: ${code}.`],
  };
}
