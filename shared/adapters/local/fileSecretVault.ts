import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { systemClock, type Clock } from '../../ports/clock';
import {
  accessSecretId,
  compareVersions,
  assertConnectionId,
  assertKeepCount,
  assertTokenPair,
  assertVersion,
  isTokenPair,
  SecretVaultError,
  type SecretVault,
  type StoredTokenSecret,
  type TokenSecret,
} from '../../ports/secretVault';
import { KeyedMutex, writeFileAtomic } from './atomicFile';

const VERSION_STATES = ['ENABLED', 'DISABLED'] as const;
type VersionState = (typeof VERSION_STATES)[number];

interface StoredVersion {
  readonly version: string;
  readonly state: VersionState;
  readonly pair: TokenSecret;
  /** ISO 8601. */
  readonly createTime: string;
}

/** One connection's file: every version stored and not destroyed, oldest first. */
interface VaultFile {
  readonly versions: readonly StoredVersion[];
  /**
   * The highest version ever given out, written when destroying removes entries: the newest one can
   * be among them (a rolled-back put is disabled, then destroyed), and numbers are never reused.
   */
  readonly lastVersion?: string;
}

/**
 * The SecretVault for the local system: `{directory}/etrade-oauth-{connection}-access.json` per
 * connection, with Secret Manager's semantics (versions numbered from 1, disabled ones unreadable).
 * The directory is created 0700 and files are written 0600, atomically. Puts are serialised per file
 * within this process only: use one vault per directory, and one process writing it.
 */
export class FileSecretVault implements SecretVault {
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly directory: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async putTokenPair(connectionId: string, pair: TokenSecret): Promise<string> {
    const path = this.pathOf(connectionId);
    assertTokenPair(pair);
    return this.locks.run(path, async () => {
      await this.ensureDirectory();
      const file = await load(path);
      const { versions } = file;
      const version = String(highestVersion(file) + 1);
      const added: StoredVersion = {
        version,
        state: 'ENABLED',
        pair: { token: pair.token, secret: pair.secret },
        createTime: this.clock.now().toISOString(),
      };
      await save(path, { versions: [...versions, added] });
      return version;
    });
  }

  async readTokenPair(connectionId: string, version?: string): Promise<StoredTokenSecret | undefined> {
    const path = this.pathOf(connectionId);
    if (version !== undefined) assertVersion(version, 'version');
    // No lock: writes are atomic renames, so a read sees one whole file.
    const enabled = (await load(path)).versions.filter((v) => v.state === 'ENABLED');
    const found =
      version === undefined
        ? enabled.reduce<StoredVersion | undefined>(
            (newest, v) => (!newest || compareVersions(v.version, newest.version) > 0 ? v : newest),
            undefined,
          )
        : enabled.find((v) => compareVersions(v.version, version) === 0);
    return found && { pair: { token: found.pair.token, secret: found.pair.secret }, version: found.version };
  }

  async disableVersion(connectionId: string, version: string): Promise<void> {
    const path = this.pathOf(connectionId);
    assertVersion(version, 'version');
    await this.locks.run(path, async () => {
      const file = await load(path);
      const isTarget = (v: StoredVersion): boolean =>
        v.state === 'ENABLED' && compareVersions(v.version, version) === 0;
      if (file.versions.some(isTarget)) {
        const versions = file.versions.map((v) => (isTarget(v) ? { ...v, state: 'DISABLED' as const } : v));
        await save(path, { ...file, versions });
      }
    });
  }

  async disableOlderVersions(connectionId: string, keepVersion: string): Promise<number> {
    const path = this.pathOf(connectionId);
    assertVersion(keepVersion, 'keepVersion');
    return this.locks.run(path, async () => {
      const file = await load(path);
      const { versions } = file;
      const isOlder = (v: StoredVersion): boolean =>
        v.state === 'ENABLED' && compareVersions(v.version, keepVersion) < 0;
      // Keeping a version that is not enabled would leave the connection with nothing readable.
      if (!versions.some((v) => v.state === 'ENABLED' && compareVersions(v.version, keepVersion) === 0)) {
        throw new SecretVaultError(
          'ERR_KEEP_VERSION_NOT_ENABLED',
          `${accessSecretId(connectionId)} version ${keepVersion} is not enabled; nothing was disabled`,
        );
      }
      const count = versions.filter(isOlder).length;
      if (count > 0) {
        await save(path, {
          ...file,
          versions: versions.map((v) => (isOlder(v) ? { ...v, state: 'DISABLED' } : v)),
        });
      }
      return count;
    });
  }

  async destroyDisabledVersions(connectionId: string, keepDisabled: number, below?: string): Promise<number> {
    const path = this.pathOf(connectionId);
    assertKeepCount(keepDisabled);
    if (below !== undefined) assertVersion(below, 'below');
    return this.locks.run(path, async () => {
      const file = await load(path);
      const { versions } = file;
      const doomed = new Set(
        versions
          .filter((v) => v.state === 'DISABLED')
          .filter((v) => below === undefined || compareVersions(v.version, below) < 0)
          .sort((a, b) => compareVersions(b.version, a.version))
          .slice(keepDisabled),
      );
      if (doomed.size > 0) {
        const kept = versions.filter((v) => !doomed.has(v));
        await save(path, { versions: kept, lastVersion: String(highestVersion(file)) });
      }
      return doomed.size;
    });
  }

  private pathOf(connectionId: string): string {
    assertConnectionId(connectionId);
    return join(this.directory, `${accessSecretId(connectionId)}.json`);
  }

  /** Creates the directory 0700 if missing; an existing one is left as its owner set it. */
  private async ensureDirectory(): Promise<void> {
    const created = await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask; set it exactly on the directory we made.
    if (created !== undefined) await chmod(this.directory, 0o700);
  }
}

async function load(path: string): Promise<VaultFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { versions: [] };
    throw err;
  }
  const corrupt = (why: string): SecretVaultError =>
    new SecretVaultError('ERR_SECRET_CORRUPT', `${path} ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text it choked on: drop its message.
    throw corrupt('is not JSON');
  }
  const { versions, lastVersion } = (value ?? {}) as { versions?: unknown; lastVersion?: unknown };
  if (
    !Array.isArray(versions) ||
    !versions.every(isStoredVersion) ||
    !(lastVersion === undefined || isVersionNumber(lastVersion))
  ) {
    throw corrupt('is not a vault file ({versions: [{version, state, pair, createTime}], lastVersion?})');
  }
  return lastVersion === undefined ? { versions } : { versions, lastVersion };
}

/** 0 for a connection that never stored anything. */
function highestVersion(file: VaultFile): number {
  return file.versions.reduce((max, v) => Math.max(max, Number(v.version)), Number(file.lastVersion ?? 0));
}

function isVersionNumber(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9]\d*$/.test(value);
}

async function save(path: string, file: VaultFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
}

function isStoredVersion(value: unknown): value is StoredVersion {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    isVersionNumber(v.version) &&
    (VERSION_STATES as readonly unknown[]).includes(v.state) &&
    isTokenPair(v.pair) &&
    typeof v.createTime === 'string'
  );
}
