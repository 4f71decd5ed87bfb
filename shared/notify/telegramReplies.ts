import { newYorkClock, newYorkDay } from '../alerts/newYorkText';
import { clientMessageFor } from '../http/errorMapping';
import type { Notice, RenewTarget } from '../ports/notifier';
import type { ConnectionStatus, StatusReport } from '../status/statusReport';
import { actionUntil } from './noticeActions';
import { shorten } from './telegramHtml';

/** The commands the bot answers, as the trader types them. */
export const TELEGRAM_COMMANDS = ['/status', '/renew', '/login', '/pin', '/help'] as const;
export type TelegramCommand = (typeof TELEGRAM_COMMANDS)[number];

/** States that only a new login fixes: /status offers a button for each. */
const NEEDS_LOGIN = new Set(['missing', 'expired', 'revoked']);

/**
 * `/status`: each connection's state in the trader's words, with a button for each that needs a
 * login; the countdown to midnight only while some token is live. Never token material.
 */
export function statusNotice(report: StatusReport): Notice {
  const now = new Date(report.now);
  const lines = report.connections.map(connectionLine);
  if (report.connections.some((c) => !NEEDS_LOGIN.has(c.state))) {
    lines.push(`Tokens end at midnight ET, in ${duration(report.secondsToMidnight)}.`);
  }
  const next = new Date(report.nextMorningAlert);
  lines.push(`Next morning reminder: ${newYorkDay(next)}, ${newYorkClock(next)} ET.`);
  const targets = report.connections
    .filter((c) => NEEDS_LOGIN.has(c.state))
    .map((c): RenewTarget => ({ connectionId: c.id, label: c.label }));
  return {
    kind: 'chat.status',
    title: 'E*TRADE tokens',
    lines,
    ...(targets.length > 0 && { action: { kind: 'renew' as const, targets, until: actionUntil(now) } }),
  };
}

function connectionLine(status: ConnectionStatus): string {
  const parts = [`${status.label}: ${STATE_WORDS[status.state]}`];
  const failures = status.keepAlive.consecutiveFailures;
  if (failures > 0 && !NEEDS_LOGIN.has(status.state)) {
    const code = status.keepAlive.lastErrorCode ? ` (${status.keepAlive.lastErrorCode})` : '';
    parts.push(`${failures} keep-alive run${failures === 1 ? '' : 's'} in a row failed${code}`);
  }
  if (status.consumerKey?.warn) parts.push(`consumer key ${status.consumerKey.ageMonths} months old`);
  return `${parts.join('; ')}.`;
}

/**
 * Each state in the trader's words, with what to do. A live token's end is every live token's
 * (midnight), said once below the list. Keep-alive revives an idle token by itself.
 */
const STATE_WORDS: Readonly<Record<ConnectionStatus['state'], string>> = {
  missing: 'no token yet — log in',
  active: 'active',
  idle: 'idle (no call for 2 hours) — keep-alive revives it at its next run',
  failing: 'active, but keep-alive is failing',
  expired: 'expired — log in again',
  revoked: 'revoked — log in again',
};

/** `/renew [connection]`: a button for each connection to log in again, or why there is none. */
export function renewOfferNotice(
  targets: readonly RenewTarget[],
  now: Date,
  options: { readonly unknown?: string; readonly known?: readonly string[] } = {},
): Notice {
  if (options.unknown !== undefined) {
    return {
      kind: 'chat.renew',
      title: 'No such connection',
      lines: [
        `There is no connection “${shorten(options.unknown, 32)}”. Connections: ${(options.known ?? []).join(', ')}.`,
      ],
    };
  }
  if (targets.length === 0) {
    return {
      kind: 'chat.renew',
      title: 'Nothing to renew',
      lines: [
        'Every token is live; keep-alive keeps it so until midnight ET.',
        `To log in again anyway: /renew ${(options.known ?? ['prod'])[0]}`,
      ],
    };
  }
  return {
    kind: 'chat.renew',
    ...(targets.length === 1 && { connectionId: targets[0].connectionId }),
    title: 'Log in to E*TRADE',
    lines: [],
    action: { kind: 'renew', targets, until: actionUntil(now) },
  };
}

/** Anything else from the configured chat: what the bot understands. */
export function helpNotice(unknown?: string): Notice {
  return {
    kind: 'chat.help',
    title: unknown ? `Unknown command ${shorten(unknown, 32)}` : 'Commands',
    lines: [
      '/status — every connection’s token, and a button for each that needs a login',
      '/renew [connection] — a button to log in to E*TRADE again',
      '/login — a sign-in link to the token page',
      '/pin CODE [connection] — a code from E*TRADE (pasting the code alone works too)',
    ],
  };
}

/** A pasted code renewed one connection; said only when another login still waits, or the code stays. */
export function codeAcceptedNotice(
  renewed: string,
  waiting: readonly { readonly label: string; readonly expiresAt: Date }[],
  undeleted: boolean,
): Notice {
  const lines = waiting.map(
    (flow) => `${flow.label} still waits for its code, until ${newYorkClock(flow.expiresAt)} ET.`,
  );
  if (undeleted) lines.push(UNDELETED);
  return { kind: 'code.accepted', title: `Code accepted for ${renewed}`, lines };
}

/**
 * E*TRADE did not take the code, for each login it was tried on: the API's words for a wrong code
 * (one cause, one wording) and the tries left; a login with none left gets a new button.
 */
export function codeRejectedNotice(
  tried: readonly { readonly target: RenewTarget; readonly attemptsLeft: number }[],
  now: Date,
  undeleted: boolean,
): Notice {
  const spent = tried.filter((t) => t.attemptsLeft <= 0).map((t) => t.target);
  const lines = [clientMessageFor('ERR_VERIFIER_REJECTED') ?? 'E*TRADE did not accept that code.'];
  for (const { target, attemptsLeft } of tried) {
    lines.push(
      attemptsLeft > 0
        ? `${target.label}: ${attemptsLeft} ${attemptsLeft === 1 ? 'try' : 'tries'} left.`
        : `${target.label}: no tries left; log in again with the button.`,
    );
  }
  if (undeleted) lines.push(UNDELETED);
  return {
    kind: 'code.rejected',
    ...(tried.length === 1 && { connectionId: tried[0].target.connectionId }),
    title: `Code not accepted for ${tried.map((t) => t.target.label).join(' or ')}`,
    lines,
    ...(spent.length > 0 && { action: { kind: 'renew' as const, targets: spent, until: actionUntil(now) } }),
  };
}

/** A code after E*TRADE's 5-minute window: a new button for each login that ran out. */
export function codeExpiredNotice(targets: readonly RenewTarget[], now: Date, undeleted: boolean): Notice {
  return {
    kind: 'code.expired',
    ...(targets.length === 1 && { connectionId: targets[0].connectionId }),
    title: 'The 5-minute window closed',
    lines: [
      'E*TRADE accepts a code for 5 minutes after the button is tapped. Tap the button again for a new code.',
      ...(undeleted ? [UNDELETED] : []),
    ],
    action: { kind: 'renew', targets, until: actionUntil(now) },
  };
}

/** `/pin` when no login waits for a code, or with something that is not a code. */
export function codeUnmatchedNotice(reason: 'no-login' | 'not-a-code'): Notice {
  return reason === 'not-a-code'
    ? {
        kind: 'code.unmatched',
        title: 'That is not a code',
        lines: [clientMessageFor('ERR_INVALID_VERIFIER') ?? 'A code is 5 letters or digits, e.g. H92GX.'],
      }
    : {
        kind: 'code.unmatched',
        title: 'No E*TRADE login is waiting for a code',
        lines: ['Tap a “Log in to E*TRADE” button first (/renew gives one), then paste the code it shows.'],
      };
}

/** The bot may not delete members' messages in this group. */
const UNDELETED =
  'Delete your message with the code yourself: the bot may not (make it an admin allowed to delete messages).';

/** `5 h 12 min`, `12 min`, `under a minute`. */
export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return 'under a minute';
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}
