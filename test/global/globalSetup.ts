import { emulatorHostEnv, startEmulators } from './emulators';
import { FIXED_TEST_ENV } from './testEnv';

/**
 * Starts Google's Firestore and Pub/Sub emulators once per jest run. Workers are forked after this
 * returns and inherit process.env, so the client libraries in every test file find the emulators on
 * their own. A missing or broken emulator fails the run; it is never skipped.
 */
export default async function globalSetup(): Promise<void> {
  const run = await startEmulators();
  Object.assign(process.env, FIXED_TEST_ENV, emulatorHostEnv(run.emulators));
}
