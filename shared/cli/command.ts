import type { Clock } from '../ports/clock';
import type { Invocation } from './args';
import type { Backend, TokenOperations } from './backend';
import { CliError } from './errors';
import type { ExitCode } from './exitCodes';
import type { CliIo, OutputStream, Style } from './io';

export interface CommandContext {
  readonly invocation: Invocation;
  readonly io: CliIo;
  readonly clock: Clock;
  /** Colours for stdout's human output. */
  readonly style: Style;
  /** Prompts, the authorize URL and the QR code: stdout, or stderr with --json (stdout is the document). */
  readonly chatter: OutputStream;
  backend(): Promise<Backend>;
  /** Runs a network wait behind a spinner on stderr (only on a terminal). */
  wait<T>(text: string, work: () => Promise<T>): Promise<T>;
}

export interface CommandResult {
  /** Printed as the one JSON document with --json. */
  readonly data: unknown;
  /** Printed otherwise, one entry per line. */
  readonly human: readonly string[];
  readonly exitCode?: ExitCode;
}

export type Command = (ctx: CommandContext) => Promise<CommandResult>;

/** Accounts, balances and revoke use the token itself: only where the stores are. */
export function tokenOperations(backend: Backend, command: string): TokenOperations {
  if (backend.tokens) return backend.tokens;
  throw new CliError(
    'ERR_NEEDS_LOCAL',
    `"${command}" uses the token itself, which the API never hands out: run it in local mode (--local) ` +
      'where the stores are (the data directory, or USE_GCP=1 with access to the project)',
  );
}
