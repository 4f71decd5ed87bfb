import type { protos, SecretManagerServiceClient } from '@google-cloud/secret-manager';

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
import { crc32c } from './crc32c';
import { REAL_RETRY_DEPS, type RetryDeps, type RetryPolicy } from '../../retry';
import { retryUnavailable, WRITE_RETRY } from './unavailableRetry';

type AccessResponse = protos.google.cloud.secretmanager.v1.IAccessSecretVersionResponse;

/** A connection's secret: its id (for messages) and its resource name (for calls). */
interface SecretRef {
  readonly id: string;
  readonly name: string;
}

// gRPC status codes as the client's errors carry them in `code`; spelled out so this module needs no
// runtime import of grpc-js (the client is handed in, and only its type is imported here).
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

export interface SecretManagerVaultOptions {
  /** For writes the client sends once; see unavailableRetry.ts. Default WRITE_RETRY. */
  readonly writeRetry?: RetryPolicy;
  /** Sleep and randomness of the retry backoff; tests pass their own. */
  readonly timing?: RetryDeps;
}

/**
 * The SecretVault on Google Secret Manager: one secret per connection (`accessSecretId`), one version
 * per stored pair. Version numbers come from the service, so concurrent writers always get distinct,
 * increasing ones.
 */
export class SecretManagerVault implements SecretVault {
  private readonly writeRetry: RetryPolicy;
  private readonly timing: RetryDeps;

  constructor(
    private readonly client: SecretManagerServiceClient,
    private readonly projectId: string,
    options: SecretManagerVaultOptions = {},
  ) {
    if (!/^[^/\s]+$/.test(projectId)) throw new TypeError('projectId must be a non-empty project id');
    this.writeRetry = options.writeRetry ?? WRITE_RETRY;
    this.timing = options.timing ?? REAL_RETRY_DEPS;
  }

  /**
   * AddSecretVersion is not idempotent, so the client sends it once and one UNAVAILABLE would cost the
   * trader a new PIN: we retry UNAVAILABLE here, a few times with short jittered waits. Why that is
   * safe: an attempt that failed but did land left a version holding this very pair, numbered BELOW the
   * one we return, so it can never pass for the newest. Only the returned version gets recorded, and
   * the use case's step after the commit (disableOlderVersions) disables every older enabled version,
   * the duplicate with them. (If the commit fails instead, the use case disables only the version it
   * knows; a landed duplicate then stays enabled until the next renewal disables it.)
   */
  async putTokenPair(connectionId: string, pair: TokenSecret): Promise<string> {
    const secret = this.secret(connectionId);
    assertTokenPair(pair);
    const data = Buffer.from(JSON.stringify({ token: pair.token, secret: pair.secret }), 'utf8');
    const request = { parent: secret.name, payload: { data, dataCrc32c: crc32c(data) } };
    const add = async (): Promise<string> => {
      const [version] = await this.write(() => this.client.addSecretVersion(request));
      return versionOf(version.name);
    };
    try {
      return await add();
    } catch (err) {
      if (grpcCode(err) !== NOT_FOUND) throw err;
    }
    await this.createSecret(secret.id, connectionId);
    return add();
  }

  async disableVersion(connectionId: string, version: string): Promise<void> {
    const secret = this.secret(connectionId);
    assertVersion(version, 'version');
    try {
      // Disabling is idempotent (the service accepts a version that is already disabled): retry freely.
      await this.write(() =>
        this.client.disableSecretVersion({ name: `${secret.name}/versions/${version}` }),
      );
    } catch (err) {
      // Never stored, destroyed, or the secret deleted: unreadable either way.
      if (!isGone(err)) throw err;
    }
  }

  async readTokenPair(connectionId: string, version?: string): Promise<StoredTokenSecret | undefined> {
    const secret = this.secret(connectionId);
    if (version !== undefined) {
      assertVersion(version, 'version');
      return this.accessIfEnabled(secret, version);
    }
    let latest: AccessResponse | undefined;
    try {
      latest = await this.access(`${secret.name}/versions/latest`);
    } catch (err) {
      const code = grpcCode(err);
      if (code === NOT_FOUND) return undefined;
      if (code !== FAILED_PRECONDITION) throw err;
    }
    if (latest) return decodePair(latest, secret.id);
    // `latest` is the newest version whatever its state, so a disabled newest one hides the enabled
    // versions before it: find the newest enabled one ourselves. One disabled since the listing is skipped.
    for (const candidate of await this.enabledVersions(secret.name)) {
      const stored = await this.accessIfEnabled(secret, candidate);
      if (stored) return stored;
    }
    return undefined;
  }

  async disableOlderVersions(connectionId: string, keepVersion: string): Promise<number> {
    const secret = this.secret(connectionId);
    assertVersion(keepVersion, 'keepVersion');
    const enabled = await this.enabledVersions(secret.name).catch((err: unknown) => {
      if (grpcCode(err) === NOT_FOUND) return [];
      throw err;
    });
    // Keeping a version that is not enabled would leave the secret with nothing readable.
    if (!enabled.some((v) => compareVersions(v, keepVersion) === 0)) {
      throw new SecretVaultError(
        'ERR_KEEP_VERSION_NOT_ENABLED',
        `${secret.id} version ${keepVersion} is not enabled; nothing was disabled`,
      );
    }
    const older = enabled.filter((v) => compareVersions(v, keepVersion) < 0);
    const disabled = await Promise.all(
      older.map((v) =>
        this.client.disableSecretVersion({ name: `${secret.name}/versions/${v}` }).then(
          () => true,
          (err: unknown) => {
            // Destroyed (or the secret deleted) meanwhile: it is unreadable either way.
            if (isGone(err)) return false;
            throw err;
          },
        ),
      ),
    );
    return disabled.filter(Boolean).length;
  }

  private secret(connectionId: string): SecretRef {
    assertConnectionId(connectionId);
    const id = accessSecretId(connectionId);
    return { id, name: `projects/${this.projectId}/secrets/${id}` };
  }

  private async createSecret(secretId: string, connectionId: string): Promise<void> {
    try {
      // Retrying is safe: a create that landed answers ALREADY_EXISTS next time, which we accept.
      await this.write(() =>
        this.client.createSecret({
          parent: `projects/${this.projectId}`,
          secretId,
          secret: {
            replication: { automatic: {} },
            labels: { app: 'etrade-oauth', connection: connectionId },
          },
        }),
      );
    } catch (err) {
      // Another writer created it after our NOT_FOUND: that is all we wanted.
      if (grpcCode(err) !== ALREADY_EXISTS) throw err;
    }
  }

  private write<T>(call: () => Promise<T>): Promise<T> {
    return retryUnavailable(call, this.writeRetry, this.timing);
  }

  private async access(name: string): Promise<AccessResponse> {
    const [response] = await this.client.accessSecretVersion({ name });
    return response;
  }

  /** undefined when the version does not exist or is disabled/destroyed. */
  private async accessIfEnabled(secret: SecretRef, version: string): Promise<StoredTokenSecret | undefined> {
    const name = `${secret.name}/versions/${version}`;
    let response: AccessResponse;
    try {
      response = await this.access(name);
    } catch (err) {
      const code = grpcCode(err);
      if (code === NOT_FOUND) return undefined;
      if (code !== FAILED_PRECONDITION) throw err;
      // FAILED_PRECONDITION also means e.g. an unusable CMEK key: only a version that really is not
      // enabled counts as "no pair"; anything else must not pass for an empty vault.
      if (await this.isEnabled(name)) throw err;
      return undefined;
    }
    return decodePair(response, secret.id);
  }

  private async isEnabled(name: string): Promise<boolean> {
    try {
      const [version] = await this.client.getSecretVersion({ name });
      return version.state === 'ENABLED';
    } catch (err) {
      if (grpcCode(err) === NOT_FOUND) return false;
      throw err;
    }
  }

  /** Enabled version ids, newest first. */
  async destroyDisabledVersions(connectionId: string, keepDisabled: number, below?: string): Promise<number> {
    const secret = this.secret(connectionId);
    assertKeepCount(keepDisabled);
    if (below !== undefined) assertVersion(below, 'below');
    const disabled = await this.versionsIn(secret.name, 'DISABLED').catch((err: unknown) => {
      if (grpcCode(err) === NOT_FOUND) return [];
      throw err;
    });
    const candidates = disabled.filter((v) => below === undefined || compareVersions(v, below) < 0);
    const destroyed = await Promise.all(
      candidates.slice(keepDisabled).map((v) =>
        this.client.destroySecretVersion({ name: `${secret.name}/versions/${v}` }).then(
          () => true,
          (err: unknown) => {
            if (isGone(err)) return false;
            throw err;
          },
        ),
      ),
    );
    return destroyed.filter(Boolean).length;
  }

  /** Version ids in `state`, newest first. */
  private async versionsIn(secretName: string, state: 'ENABLED' | 'DISABLED'): Promise<string[]> {
    const [versions] = await this.client.listSecretVersions({ parent: secretName, filter: `state:${state}` });
    return versions.map((v) => versionOf(v.name)).sort((a, b) => compareVersions(b, a));
  }

  private enabledVersions(secretName: string): Promise<string[]> {
    return this.versionsIn(secretName, 'ENABLED');
  }
}

function decodePair(response: AccessResponse, secretId: string): StoredTokenSecret {
  const version = versionOf(response.name);
  const corrupt = (why: string): SecretVaultError =>
    new SecretVaultError('ERR_SECRET_CORRUPT', `${secretId} version ${version} ${why}`);
  const data = response.payload?.data;
  if (!(data instanceof Uint8Array)) throw corrupt('has no payload');
  const claimed = response.payload?.dataCrc32c;
  if (claimed !== null && claimed !== undefined && Number(String(claimed)) !== crc32c(data)) {
    throw corrupt('fails its CRC-32C checksum');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw corrupt('is not UTF-8 JSON');
  }
  if (!isTokenPair(value)) throw corrupt('is not a token pair (non-empty string token and secret)');
  return { pair: { token: value.token, secret: value.secret }, version };
}

/** The version id at the end of a version name; the service may name the project by number. */
function versionOf(name: string | null | undefined): string {
  const match = /\/versions\/([1-9]\d*)$/.exec(name ?? '');
  if (!match) {
    throw new SecretVaultError('ERR_UNEXPECTED_RESPONSE', `unexpected secret version name "${name}"`);
  }
  return match[1];
}

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function isGone(err: unknown): boolean {
  const code = grpcCode(err);
  return code === NOT_FOUND || code === FAILED_PRECONDITION;
}
