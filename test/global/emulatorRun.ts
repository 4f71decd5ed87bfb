import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { RunningEmulator } from './emulatorProcess';

/** What globalTeardown needs to stop what globalSetup started. */
export interface EmulatorRun {
  /** The jest process that owns the emulators; part of the directory name so parallel runs don't mix. */
  readonly ownerPid: number;
  /** Holds the emulators' logs and `run.json` with their process groups. */
  readonly runDir: string;
  readonly emulators: readonly RunningEmulator[];
}

// jest documents globals set in globalSetup as readable in globalTeardown (same process). The file is the
// fallback, and lets a human find and kill the groups if jest itself was SIGKILLed.
const GLOBAL_KEY = Symbol.for('etrade-oauth.test.emulatorRun');

export function runDirFor(ownerPid: number): string {
  return path.join(tmpdir(), `etrade-oauth-emulators-${ownerPid}`);
}

export function createRunDir(ownerPid: number): string {
  const dir = runDirFor(ownerPid);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function saveRun(run: EmulatorRun): void {
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = run;
  writeFileSync(path.join(run.runDir, 'run.json'), JSON.stringify(run, null, 2));
}

export function loadRun(ownerPid: number): EmulatorRun | undefined {
  const fromGlobal = (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as EmulatorRun | undefined;
  if (fromGlobal) return fromGlobal;
  try {
    return JSON.parse(readFileSync(path.join(runDirFor(ownerPid), 'run.json'), 'utf8')) as EmulatorRun;
  } catch {
    return undefined;
  }
}

export function forgetRun(run: EmulatorRun): void {
  delete (globalThis as Record<symbol, unknown>)[GLOBAL_KEY];
  rmSync(run.runDir, { recursive: true, force: true });
}
