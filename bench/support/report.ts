import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** One figure the driver (bench/run.mjs) prints in its summary: a ratio against its target. */
export interface RatioLine {
  readonly name: string;
  readonly value: number;
  readonly target: string;
  readonly pass: boolean;
}

/** Right-aligned columns; the first column left-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** The 1-minute load average: other jobs on a 2-core machine skew every figure, so each carries it. */
export function load1(): number {
  return loadavg()[0];
}

export function loadNote(): string {
  const [one, five] = loadavg();
  return `load avg ${one.toFixed(2)} (1 min) / ${five.toFixed(2)} (5 min)`;
}

/** Hands the ratios to bench/run.mjs (BENCH_RESULT_FILE); standalone runs just print them. */
export function writeResult(
  bench: string,
  ratios: readonly RatioLine[],
  extra: Record<string, unknown>,
): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) writeFileSync(file, JSON.stringify({ bench, ratios, ...extra }, null, 2));
}

/** A whole benchmark must end by itself: a hung emulator or child fails it instead of hanging. */
export function deadline(ms: number, what: string): NodeJS.Timeout {
  const timer = setTimeout(() => {
    process.stderr.write(`${what}: gave up after ${ms / 1000} s\n`);
    process.exit(2);
  }, ms);
  timer.unref();
  return timer;
}
