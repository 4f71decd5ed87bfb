import { startEmulator, type RunningEmulator } from './emulatorProcess';
import { createRunDir, forgetRun, saveRun, type EmulatorRun } from './emulatorRun';
import { EMULATORS } from './emulatorSpecs';
import { stopProcessGroup, terminateProcessGroupNow } from './processGroup';
import { candidateSdkRoots, locateEmulator } from './sdkRoot';

/** Cold JVM start is ~1.5 s on a 2-core machine; the margin is for loaded CI hosts. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts every emulator in parallel. Missing binaries are reported together before anything is spawned;
 * if any emulator then fails, the ones that did start are stopped before the error is thrown, because
 * jest does not run globalTeardown after a failed globalSetup.
 */
export async function startEmulators(): Promise<EmulatorRun> {
  const roots = await candidateSdkRoots();
  const binaries = await settleAll(EMULATORS.map((spec) => locateEmulator(spec, roots)));

  const runDir = createRunDir(process.pid);
  const started = await Promise.allSettled(
    EMULATORS.map((spec, i) => startEmulator(spec, binaries[i], runDir, START_TIMEOUT_MS)),
  );
  const emulators = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = started.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) {
    // The run directory stays: the error points at the logs in it.
    await Promise.all(emulators.map((e) => stopProcessGroup(e.pgid)));
    throw new Error(failures.join('\n\n'));
  }
  const run: EmulatorRun = { ownerPid: process.pid, runDir, emulators };
  saveRun(run);
  stopWhenInterrupted(run);
  return run;
}

export async function stopEmulators(run: EmulatorRun): Promise<void> {
  removeAbruptExitHooks();
  await Promise.all(run.emulators.map((e) => stopProcessGroup(e.pgid)));
  forgetRun(run);
}

/** `{ FIRESTORE_EMULATOR_HOST: '127.0.0.1:…', PUBSUB_EMULATOR_HOST: … }` */
export function emulatorHostEnv(emulators: readonly RunningEmulator[]): Record<string, string> {
  return Object.fromEntries(emulators.map((e) => [e.hostEnvVar, e.host]));
}

async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

// The emulators live in their own process groups, so Ctrl-C in the terminal does not reach them, and
// jest skips globalTeardown when interrupted. These hooks keep an interrupted run from leaving JVMs behind.
// The remover is kept on globalThis, not in this module: jest may load this file afresh for teardown.
const HOOKS_KEY = Symbol.for('etrade-oauth.test.removeEmulatorExitHooks');
type HookStore = Record<symbol, (() => void) | undefined>;

function stopWhenInterrupted(run: EmulatorRun): void {
  const stopNow = (): void => run.emulators.forEach((e) => terminateProcessGroupNow(e.pgid));
  const onSignal = (signal: NodeJS.Signals): void => {
    stopNow();
    // Re-raise so the process still dies the way it would have without us, unless someone else handles it.
    if (process.listenerCount(signal) === 1) {
      removeAbruptExitHooks();
      process.kill(process.pid, signal);
    }
  };
  process.on('exit', stopNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  (globalThis as HookStore)[HOOKS_KEY] = () => {
    process.off('exit', stopNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

function removeAbruptExitHooks(): void {
  (globalThis as HookStore)[HOOKS_KEY]?.();
  delete (globalThis as HookStore)[HOOKS_KEY];
}
