import { PassThrough, Writable } from 'node:stream';
import { main } from '../../shared/cli/main';
import type { Clock } from '../../shared/ports/clock';

/** A stdout/stderr stand-in that keeps what was written and says whether it is a terminal. */
export class CapturedOutput extends Writable {
  text = '';

  constructor(readonly isTTY: boolean) {
    super();
  }

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.text += chunk.toString();
    this.emit('text', this.text);
    done();
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly clock?: Clock;
  readonly stdoutTty?: boolean;
  readonly stderrTty?: boolean;
  /**
   * Answers each `PIN: ` prompt as a person would: given the authorize URL printed before it and the
   * prompt's number (1, 2, …), the line to type, or undefined to close stdin.
   */
  readonly answer?: (authorizeUrl: string, prompt: number) => Promise<string | undefined>;
}

/** Runs `main(argv, io)` in-process with captured streams; resolves once the command has finished. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new CapturedOutput(options.stdoutTty ?? false);
  const stderr = new CapturedOutput(options.stderrTty ?? false);
  const { answer } = options;
  if (answer) {
    let prompts = 0;
    const onText = (text: string) => {
      const seen = text.split('PIN: ').length - 1;
      while (prompts < seen) {
        prompts += 1;
        const url = /(https?:\/\/\S+\/authorize\?\S+)/.exec(text)?.[1];
        if (!url) throw new Error('PIN prompt before any authorize URL');
        void answer(url, prompts).then((line) =>
          line === undefined ? stdin.end() : stdin.write(`${line}\n`),
        );
      }
    };
    // The prompt goes to stdout, or to stderr with --json.
    stdout.on('text', onText);
    stderr.on('text', onText);
  } else {
    stdin.end();
  }
  const code = await main(argv, { stdin, stdout, stderr, env: options.env ?? {}, clock: options.clock });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;
