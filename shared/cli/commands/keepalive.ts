import type { KeepAliveReport } from '../../keepalive';
import type { KeepAliveStatusReport } from '../backend';
import type { Command } from '../command';
import { EXIT_CODES } from '../exitCodes';
import { column, etWhen, stateWord } from '../format';
import type { Style } from '../io';
import { keepAliveLine } from './status';

/**
 * `keepalive`: each connection's keep-alive health. `keepalive --force`: a keep-alive run now (E*TRADE
 * is called even for tokens used recently); exit 1 when it failed for any connection.
 */
export const keepalive: Command = async (ctx) => {
  const backend = await ctx.backend();
  if (!ctx.invocation.force) {
    const report = await ctx.wait('Reading keep-alive status…', () => backend.keepAliveStatus());
    return { data: report, human: statusLines(report, ctx.style) };
  }
  const report = await ctx.wait('Keeping tokens alive…', () => backend.forceKeepAlive());
  const failed = report.counts.failed + report.counts.died > 0;
  return {
    data: report,
    human: runLines(report, ctx.style),
    ...(failed ? { exitCode: EXIT_CODES.failed } : {}),
  };
};

function statusLines(report: KeepAliveStatusReport, style: Style): string[] {
  const now = new Date(report.now);
  const width = Math.max(8, ...report.connections.map((c) => c.id.length + 2));
  return report.connections.map(
    (c) =>
      `${style.bold(column(c.id, width))}${stateWord(c.state, style, 9)} ${keepAliveLine(c.keepAlive, now)}`,
  );
}

function runLines(report: KeepAliveReport, style: Style): string[] {
  const now = new Date(report.startedAt);
  const width = Math.max(8, ...report.connections.map((c) => c.connectionId.length + 2));
  const lines = [`Keep-alive run at ${etWhen(now, now)} (${report.durationMs} ms):`];
  for (const c of report.connections) {
    const bad = c.outcome === 'failed' || c.outcome === 'died';
    const outcome = bad
      ? style.red(c.outcome)
      : c.outcome === 'not-live'
        ? style.dim(c.outcome)
        : style.green(c.outcome);
    lines.push(`  ${column(c.connectionId, width)}${outcome}${c.errorCode ? ` (${c.errorCode})` : ''}`);
  }
  const counts = Object.entries(report.counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${outcome} ${count}`);
  lines.push(`  ${counts.join(' · ')}`);
  return lines;
}
