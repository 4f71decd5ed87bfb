import type { Connection } from '../config';
import type { Notice } from '../ports/notifier';
import { NEW_YORK } from '../time/newYork';

const STEP_WORDS: Readonly<Record<string, string>> = {
  exchange: 'E*TRADE did not exchange the PIN for a token',
  verify: 'the new token failed its first signed call',
  vault: 'the new token could not be stored',
  ledger: 'the new token could not be recorded',
};

export function renewalSucceededNotice(
  connection: Connection,
  result: { generation: number; expiresAt: Date; accounts: number; warnings: readonly string[] },
): Notice {
  const expiry = result.expiresAt.toLocaleString('en-US', {
    timeZone: NEW_YORK,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  const lines = [
    `Generation ${result.generation}, ${result.accounts} open account(s).`,
    `Valid until ${expiry} ET; keep-alive keeps it active until then.`,
  ];
  if (result.warnings.length > 0)
    lines.push(`Stored, but these steps failed: ${result.warnings.join(', ')}.`);
  return {
    kind: 'renewal.succeeded',
    connectionId: connection.id,
    title: `${connection.label}: token renewed`,
    lines,
  };
}

export function renewalFailedNotice(connection: Connection, step: string, code: string): Notice {
  return {
    kind: 'renewal.failed',
    connectionId: connection.id,
    title: `${connection.label}: renewal failed`,
    lines: [
      `${STEP_WORDS[step] ?? `step ${step} failed`} (${code}).`,
      'The previous token, if any, is unchanged. Start a new renewal from the page.',
    ],
  };
}
