#!/usr/bin/env node
import { systemClock } from '../ports/clock';
import { type CommandName, type Invocation, USAGE, parseCommandLine } from './args';
import type { Backend } from './backend';
import type { Command, CommandContext } from './command';
import { accounts } from './commands/accounts';
import { balance } from './commands/balance';
import { calendar } from './commands/calendar';
import { keepalive } from './commands/keepalive';
import { login } from './commands/login';
import { loginLink } from './commands/loginLink';
import { revoke } from './commands/revoke';
import { status } from './commands/status';
import { EXIT_CODES, describeFailure } from './exitCodes';
import { type CliIo, styleFor, withSpinner } from './io';
import { selectBackend } from './selectBackend';

const COMMAND_TABLE: Readonly<Record<CommandName, Command>> = {
  status,
  login,
  keepalive,
  revoke,
  accounts,
  balance,
  calendar,
  'login-link': loginLink,
};

/**
 * `etrade-oauth <command>`: resolves to the exit code (README, "The command line"). Output goes only
 * through `io`, so tests run it in-process; with --json, stdout carries exactly one JSON document
 * (the answer, or `{"error": …}`) and everything else goes to stderr.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let json = argv.includes('--json');
  let backend: Promise<Backend> | undefined;
  try {
    const line = parseCommandLine(argv);
    if (line.kind === 'help') {
      (line.asked ? io.stdout : io.stderr).write(USAGE);
      return line.asked ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    json = line.json;
    const invocation: Invocation = line;
    const ctx: CommandContext = {
      invocation,
      io,
      clock: io.clock ?? systemClock,
      style: styleFor(io.stdout, io.env, invocation.noColor || json),
      chatter: json ? io.stderr : io.stdout,
      backend: () => (backend ??= selectBackend(invocation, io)),
      wait: (text, work) => withSpinner(io.stderr, text, work),
    };
    const result = await COMMAND_TABLE[invocation.command](ctx);
    io.stdout.write(json ? `${JSON.stringify(result.data, null, 2)}\n` : `${result.human.join('\n')}\n`);
    return result.exitCode ?? EXIT_CODES.ok;
  } catch (error) {
    const failure = describeFailure(error);
    if (json) {
      io.stdout.write(`${JSON.stringify({ error: failure }, null, 2)}\n`);
    } else {
      const style = styleFor(io.stderr, io.env, argv.includes('--no-color'));
      io.stderr.write(`${style.red('error:')} ${failure.message} [${failure.code}]\n`);
      if (failure.code === 'ERR_USAGE')
        io.stderr.write('Run "etrade-oauth --help" for the commands and options.\n');
    }
    return failure.exitCode;
  } finally {
    await backend?.then((made) => made.close()).catch(() => undefined);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).then((code) => process.exit(code));
}
