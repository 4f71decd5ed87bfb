import type { Clock } from '../ports/clock';

export type Env = Readonly<Record<string, string | undefined>>;

/** A writable stream that may be a terminal (process.stdout is one when not redirected). */
export type OutputStream = NodeJS.WritableStream & { readonly isTTY?: boolean };

/** Everything the command line touches outside itself, so tests can run it in-process. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Env;
  /** Local mode and `calendar` ask it; tests share the local system's hand-moved clock. */
  readonly clock?: Clock;
}

export interface Style {
  readonly enabled: boolean;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

/** https://no-color.org: NO_COLOR set to anything non-empty turns colours off. */
export function styleFor(stream: OutputStream, env: Env, noColor: boolean): Style {
  const enabled = stream.isTTY === true && !noColor && !env.NO_COLOR && env.TERM !== 'dumb';
  const sgr = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    red: sgr(31, 39),
    bold: sgr(1, 22),
    dim: sgr(2, 22),
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A progress line on `stream` while `work` runs, only when it is a terminal: a pipe or a log file
 * gets nothing. The line is erased afterwards, so it never mixes with real output.
 */
export async function withSpinner<T>(stream: OutputStream, text: string, work: () => Promise<T>): Promise<T> {
  if (stream.isTTY !== true) return work();
  let frame = 0;
  const draw = () => void stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text}`);
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    stream.write('\r\u001b[2K');
  }
}
