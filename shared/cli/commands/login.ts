import { createInterface } from 'node:readline';
import { normaliseVerifier } from '../../etrade/verifier';
import { MAX_PIN_ATTEMPTS } from '../../pinflow/exchangePin';
import type { FinishedLogin } from '../backend';
import type { Command } from '../command';
import { CliError } from '../errors';
import { describeFailure } from '../exitCodes';
import { etWhen, relative } from '../format';
import { renderQr } from '../qr';

/** Codes after which another PIN for the same login may still work. */
const TRY_AGAIN = new Set(['ERR_INVALID_VERIFIER', 'ERR_VERIFIER_REJECTED']);
/** A malformed PIN costs no try, but a script feeding junk must still come to an end. */
const MAX_PROMPTS = 2 * MAX_PIN_ATTEMPTS;

/**
 * `login <connection>`: the human step. Prints the authorize URL (and a QR code on a terminal), reads
 * the PIN from stdin — one per line, asking again with the tries left while E*TRADE says the PIN is
 * wrong — and exchanges it. Prints the new generation, never the token.
 */
export const login: Command = async (ctx) => {
  const [connectionId] = ctx.invocation.args;
  const backend = await ctx.backend();
  const now = ctx.clock.now();
  const started = await ctx.wait('Asking E*TRADE for a login page…', () => backend.startLogin(connectionId));
  const say = (line = '') => void ctx.chatter.write(`${line}\n`);
  say(`Open this page, log in to E*TRADE and copy the 5-character PIN:`);
  say(`  ${started.authorizeUrl}`);
  if (!ctx.invocation.noQr && ctx.chatter.isTTY === true) say(renderQr(started.authorizeUrl));
  say(`The login window closes at ${etWhen(started.expiresAt, now)} (${relative(started.expiresAt, now)}).`);

  const lines = createInterface({ input: ctx.io.stdin, terminal: false })[Symbol.asyncIterator]();
  let lastError: unknown;
  let triesLeft = MAX_PIN_ATTEMPTS;
  try {
    for (let prompt = 1; prompt <= MAX_PROMPTS; prompt++) {
      ctx.chatter.write('PIN: ');
      const next = await lines.next();
      // A terminal echoes the Enter key; piped input does not, so end the prompt's line ourselves.
      if (!next.done && (ctx.io.stdin as { isTTY?: boolean }).isTTY !== true) say();
      if (next.done) {
        say();
        throw lastError ?? new CliError('ERR_NO_PIN', 'No PIN was entered (standard input ended)');
      }
      try {
        // A malformed PIN is caught here, before it costs one of the login's five tries.
        const pin = normaliseVerifier(next.value);
        const done = await ctx.wait('Exchanging the PIN…', () => backend.finishLogin(started.flowId, pin));
        return { data: done, human: doneLines(done, ctx.clock.now()) };
      } catch (error) {
        const failure = describeFailure(error);
        if (!TRY_AGAIN.has(failure.code)) throw error;
        // The server counts the tries (local and remote alike); an older server only says "wrong".
        if (failure.code === 'ERR_VERIFIER_REJECTED') triesLeft = attemptsLeftOf(error) ?? triesLeft - 1;
        lastError = error;
        if (triesLeft <= 0) throw error;
        say(`${failure.message} (${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left)`);
      }
    }
    throw lastError;
  } finally {
    await lines.return?.();
  }
};

/** `details.attemptsLeft` of a rejected PIN, from the use case (local) or the API's answer (remote). */
function attemptsLeftOf(error: unknown): number | undefined {
  const left = (error as { details?: Record<string, unknown> } | undefined)?.details?.attemptsLeft;
  return typeof left === 'number' && Number.isInteger(left) && left >= 0 ? left : undefined;
}

function doneLines(done: FinishedLogin, now: Date): string[] {
  const lines = [
    `Token stored for ${done.connectionId}: generation ${done.generation}, ${done.accounts} open account(s).`,
    `Valid until ${etWhen(done.expiresAt, now)} (${relative(done.expiresAt, now)}); the keep-alive keeps it active.`,
  ];
  if (done.warnings.length > 0) {
    lines.push(`Stored and current, but these steps failed: ${done.warnings.join(', ')}.`);
  }
  return lines;
}
