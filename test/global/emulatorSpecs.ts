import { LOOPBACK } from './testEnv';

export interface EmulatorSpec {
  /** Short id used for log file names. */
  readonly id: 'firestore' | 'pubsub';
  readonly displayName: string;
  /** The Debian package that ships the binary, so a "missing" error says what to install. */
  readonly debianPackage: string;
  /** Path of the launcher script inside the gcloud SDK root. */
  readonly binary: string;
  /** The variable the client library reads to switch itself to the emulator. */
  readonly hostEnvVar: 'FIRESTORE_EMULATOR_HOST' | 'PUBSUB_EMULATOR_HOST';
  args(port: number): string[];
}

// The launchers are called directly rather than through `gcloud emulators ... start`: gcloud adds a
// Python process and its own flag spelling (`--host-port`) for nothing, and the launchers' `--help`
// documents `--host` and `--port`.
export const EMULATORS: readonly EmulatorSpec[] = [
  {
    id: 'firestore',
    displayName: 'Cloud Firestore emulator',
    debianPackage: 'google-cloud-cli-firestore-emulator',
    binary: 'platform/cloud-firestore-emulator/cloud_firestore_emulator',
    hostEnvVar: 'FIRESTORE_EMULATOR_HOST',
    args: (port) => [`--host=${LOOPBACK}`, `--port=${port}`],
  },
  {
    id: 'pubsub',
    displayName: 'Cloud Pub/Sub emulator',
    debianPackage: 'google-cloud-cli-pubsub-emulator',
    binary: 'platform/pubsub-emulator/bin/cloud-pubsub-emulator',
    hostEnvVar: 'PUBSUB_EMULATOR_HOST',
    args: (port) => [`--host=${LOOPBACK}`, `--port=${port}`],
  },
];
