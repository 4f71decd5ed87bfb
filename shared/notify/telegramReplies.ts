import { newYorkClock, newYorkDay } from '../alerts/newYorkText';
import type { TokenState } from '../lifecycle';
import type { ConnectionStatus, StatusReport } from '../status/statusReport';
import { escapeHtml, htmlLines, shorten, type TelegramMessage } from './telegramHtml';

/** The commands the bot answers, as the trader types them. */
export const TELEGRAM_COMMANDS = ['/status', '/login', '/help'] as const;
export type TelegramCommand = (typeof TELEGRAM_COMMANDS)[number];

const STATE_WORDS: Readonly<Record<TokenState, string>> = {
  missing: 'no token yet',
  active: 'active',
  idle: 'idle — renew it on the page',
  expired: 'expired — log in again',
  revoked: 'revoked — log in again',
  failing: 'keep-alive failing',
};

/** `/status`: each connection's state and time to expiry, from the status report (never token material). */
export function statusMessage(report: StatusReport): TelegramMessage {
  const lines = report.connections.map(connectionLine);
  lines.push(`Tokens end at midnight ET, in ${duration(report.secondsToMidnight)}.`);
  const next = new Date(report.nextMorningAlert);
  lines.push(`Next morning reminder: ${newYorkDay(next)}, ${newYorkClock(next)} ET.`);
  return { html: htmlLines('📊 <b>E*TRADE tokens</b>', lines), silent: true };
}

function connectionLine(status: ConnectionStatus): string {
  const parts = [`${status.label}: ${STATE_WORDS[status.state]}`];
  if (status.secondsToExpiry !== undefined && status.secondsToExpiry > 0) {
    parts.push(`expires in ${duration(status.secondsToExpiry)}`);
  }
  if (status.keepAlive.consecutiveFailures > 0) {
    const code = status.keepAlive.lastErrorCode ? `, last ${status.keepAlive.lastErrorCode}` : '';
    parts.push(`${status.keepAlive.consecutiveFailures} keep-alive failure(s) in a row${code}`);
  }
  if (status.consumerKey?.warn) {
    parts.push(`consumer key ${status.consumerKey.ageMonths} months old`);
  }
  return parts.join('; ');
}

/** Anything else from the configured chat: what the bot understands. The unknown command is escaped. */
export function helpMessage(unknown?: string): TelegramMessage {
  const heading = unknown
    ? `❔ <b>Unknown command</b> <code>${escapeHtml(shorten(unknown, 32))}</code>`
    : '❔ <b>Commands</b>';
  return {
    html: htmlLines(heading, [
      '/status — every connection’s token state and time to expiry',
      '/login — a fresh single-use sign-in link to the token page',
    ]),
    silent: true,
  };
}

/** `5 h 12 min`, `12 min`, `under a minute`. */
export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return 'under a minute';
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}
