import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import type { EmulatorSpec } from './emulatorSpecs';

// Where the Debian/RPM packages, the snap-less tarball and the interactive installer put the SDK; used
// only when gcloud itself is not on PATH.
const KNOWN_SDK_ROOTS = [
  '/usr/lib/google-cloud-sdk',
  '/usr/share/google-cloud-sdk',
  '/opt/google-cloud-sdk',
  path.join(homedir(), 'google-cloud-sdk'),
];

/** SDK roots to search, gcloud's own answer first so a non-standard install wins over the guesses. */
export async function candidateSdkRoots(): Promise<string[]> {
  const fromGcloud = await askGcloud();
  return [...new Set([...(fromGcloud ? [fromGcloud] : []), ...KNOWN_SDK_ROOTS])];
}

async function askGcloud(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(
      'gcloud',
      ['info', '--format=value(installation.sdk_root)'],
      { timeout: 30_000 },
    );
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The emulator's launcher, or an error that says which package to install and where we looked. */
export async function locateEmulator(spec: EmulatorSpec, roots: readonly string[]): Promise<string> {
  for (const root of roots) {
    const candidate = path.join(root, spec.binary);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this root; try the next.
    }
  }
  throw new Error(
    `${spec.displayName} is missing: no executable ${spec.binary} under ${roots.join(', ')}. ` +
      `Install the Debian package ${spec.debianPackage} (and Java 17+). The integration tests need it.`,
  );
}
