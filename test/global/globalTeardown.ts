import { stopEmulators } from './emulators';
import { loadRun } from './emulatorRun';

/** Stops the emulators' whole process groups so no JVM outlives the jest run. */
export default async function globalTeardown(): Promise<void> {
  const run = loadRun(process.pid);
  if (run) await stopEmulators(run);
}
