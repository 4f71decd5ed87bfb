import type { ConnectionStatus, StatusReport } from '../../status/statusReport';
import type { Backend } from '../backend';
import type { Command } from '../command';
import { column, etWhen, relative, stateWord } from '../format';
import type { Style } from '../io';

/** `status`: every connection's token state, deadlines and keep-alive health. */
export const status: Command = async (ctx) => {
  const backend = await ctx.backend();
  const report = await ctx.wait('Reading the status…', () => backend.status());
  return { data: report, human: statusLines(report, backend, ctx.style) };
};

export function statusLines(report: StatusReport, backend: Backend, style: Style): string[] {
  const now = new Date(report.now);
  const idWidth = Math.max(8, ...report.connections.map((c) => c.id.length + 2));
  const labelWidth = Math.max(8, ...report.connections.map((c) => c.label.length + 2));
  const lines = [
    style.dim(`etrade-oauth · ${backend.mode} · ${backend.target}`),
    `Now ${etWhen(now, now)} · tokens end at midnight ET, ${relative(report.midnight, now)} · ` +
      `next morning alert ${etWhen(report.nextMorningAlert, now)} (${relative(report.nextMorningAlert, now)})`,
    '',
  ];
  for (const connection of report.connections) {
    const head = `${style.bold(column(connection.id, idWidth))}${column(connection.label, labelWidth)}`;
    lines.push(`${head}${stateWord(connection.state, style, 9)} ${describe(connection, now)}`);
    const indent = ' '.repeat(idWidth + labelWidth);
    if (isLive(connection)) lines.push(`${indent}${keepAliveLine(connection.keepAlive, now)}`);
    if (connection.consumerKey?.warn) {
      lines.push(
        `${indent}${style.yellow(`consumer key ${connection.consumerKey.ageMonths} months old`)} — ` +
          `E*TRADE lapses keys around ${etWhen(connection.consumerKey.lapsesAround, now)}: request a new one`,
      );
    }
  }
  return lines;
}

function isLive(connection: ConnectionStatus): boolean {
  return connection.state === 'active' || connection.state === 'idle' || connection.state === 'failing';
}

function describe(connection: ConnectionStatus, now: Date): string {
  const login = `log in: etrade-oauth login ${connection.id}`;
  const expires = connection.expiresAt ? etWhen(connection.expiresAt, now) : '?';
  switch (connection.state) {
    case 'missing':
      return `no token — ${login}`;
    case 'expired':
      return `generation ${connection.generation}, expired ${expires} — ${login}`;
    case 'revoked':
      return `generation ${connection.generation}, revoked — ${login}`;
    case 'idle':
      return (
        `generation ${connection.generation}, idle since ${etWhen(connection.idleAt ?? now, now)} — ` +
        'the keep-alive renews it (etrade-oauth keepalive --force)'
      );
    default:
      return (
        `generation ${connection.generation} · expires ${expires} (${relative(connection.expiresAt ?? now, now)})` +
        ` · idle at ${etWhen(connection.idleAt ?? now, now)} (${relative(connection.idleAt ?? now, now)})`
      );
  }
}

export function keepAliveLine(keepAlive: ConnectionStatus['keepAlive'], now: Date): string {
  const parts: string[] = [];
  if (keepAlive.lastRunAt) {
    parts.push(`${keepAlive.lastOutcome ?? 'ran'} ${etWhen(keepAlive.lastRunAt, now)}`);
  } else {
    parts.push('not run yet');
  }
  if (keepAlive.consecutiveFailures > 0) {
    const last = keepAlive.lastErrorCode ? `, last ${keepAlive.lastErrorCode}` : '';
    parts.push(`${keepAlive.consecutiveFailures} failure(s) in a row${last}`);
  }
  if (keepAlive.nextDueAt) parts.push(`next due ${etWhen(keepAlive.nextDueAt, now)}`);
  return `keep-alive: ${parts.join(' · ')}`;
}
