import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FileTokenLedger } from '../../shared/adapters/local/fileTokenLedger';
import { AppError } from '../../shared/app/errors';
import { jsonLogger, type Logger } from '../../shared/log';
import { ManualClock } from '../../shared/ports/clock';

/** Shared by the auth tests: fixed keys, a frozen clock, a real file ledger and a capturing logger. */

export const KEY = 'k'.repeat(8) + 'TEST-login-link-key-0123456789abcdef';
export const OTHER_KEY = 'o'.repeat(8) + 'OTHER-login-link-key-0123456789abcdef';
export const PAGE_URL = 'https://etrade-oauth.example.web.app';
export const T0 = new Date('2026-03-02T14:30:00.000Z');

/**
 * The real FileTokenLedger in a temporary directory. It prunes expired markers by its own clock, so it
 * shares the test's ManualClock: on the wall clock every 2026 marker would already look stale or fresh.
 */
export async function fileLedger(clock: ManualClock = new ManualClock(T0)) {
  const dir = await mkdtemp(path.join(tmpdir(), 'auth-ledger-'));
  return {
    clock,
    ledger: new FileTokenLedger(path.join(dir, 'ledger.json'), { clock }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: jsonLogger((line) => lines.push(line)), lines };
}

export function tokenOf(url: string): string {
  const token = new URL(url).searchParams.get('t');
  if (token === null) throw new Error(`no t= in ${url}`);
  return token;
}

export function cookieValueOf(setCookie: string): string {
  return setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
}

/** The error a function threw, for assertions on `{ code, message }` together. */
export async function caught(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

export const LINK_INVALID = {
  code: 'ERR_LOGIN_LINK_INVALID',
  message: 'This login link is invalid, expired or already used. Ask for a new one.',
};
