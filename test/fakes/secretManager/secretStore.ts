import { crc32c } from './crc32c';
import {
  assertProjectParent,
  assertSecretId,
  parseSecretName,
  parseVersionName,
  secretIdOf,
} from './resourceNames';
import {
  secretResource,
  versionName,
  versionResource,
  type StoredSecret,
  type StoredVersion,
} from './resources';
import { Code, RpcError, unsupported } from './rpcError';
import { storableSecretFields } from './secretFields';
import { parseVersionFilter, type VersionState } from './versionFilter';

/** Secret Manager's documented payload limit. */
const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface VersionSnapshot {
  readonly version: number;
  readonly state: VersionState;
  /** A copy; undefined once destroyed. */
  readonly data: Buffer | undefined;
  readonly createTime: Date;
}

// Request shapes as proto-loader decodes them (camelCase, int64 as string, bytes as Buffer).
interface NameRequest {
  name: string;
  etag?: string;
}
interface CreateSecretRequest {
  parent: string;
  secretId: string;
  secret?: Record<string, unknown>;
}
interface AddSecretVersionRequest {
  parent: string;
  payload?: { data?: Buffer; dataCrc32c?: string };
}
interface ListSecretVersionsRequest {
  parent: string;
  pageSize?: number;
  pageToken?: string;
  filter?: string;
}

/** Secret Manager's resource semantics, in memory. Failures throw RpcError with the status the service uses. */
export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();
  private etagCounter = 0;

  constructor(private readonly now: () => Date) {}

  createSecret({ parent, secretId, secret = {} }: CreateSecretRequest): Record<string, unknown> {
    assertProjectParent(parent);
    assertSecretId(secretId);
    const echoed = storableSecretFields(secret);
    const name = `${parent}/secrets/${secretId}`;
    if (this.secrets.has(name)) throw new RpcError(Code.ALREADY_EXISTS, `Secret [${name}] already exists.`);
    const stored: StoredSecret = {
      name,
      createTime: this.now(),
      echoed,
      etag: this.nextEtag(),
      versions: [],
    };
    this.secrets.set(name, stored);
    return secretResource(stored);
  }

  getSecret({ name }: NameRequest): Record<string, unknown> {
    return secretResource(this.secret(name));
  }

  deleteSecret(request: NameRequest): Record<string, never> {
    rejectEtag(request);
    this.secrets.delete(this.secret(request.name).name);
    return {};
  }

  addSecretVersion({ parent, payload }: AddSecretVersionRequest): Record<string, unknown> {
    const secret = this.secret(parent);
    const data = payload?.data ?? Buffer.alloc(0);
    if (data.length > MAX_PAYLOAD_BYTES) {
      throw new RpcError(
        Code.INVALID_ARGUMENT,
        `payload is ${data.length} bytes; the limit is ${MAX_PAYLOAD_BYTES}`,
      );
    }
    const checksum = crc32c(data);
    const claimed = payload?.dataCrc32c;
    if (claimed !== undefined && BigInt(claimed) !== BigInt(checksum)) {
      throw new RpcError(Code.INVALID_ARGUMENT, `Checksum mismatch: data_crc32c ${claimed} != ${checksum}`);
    }
    const version: StoredVersion = {
      version: secret.versions.length + 1,
      state: 'ENABLED',
      data: Buffer.from(data),
      crc32c: checksum,
      clientSpecifiedPayloadChecksum: claimed !== undefined,
      createTime: this.now(),
      destroyTime: undefined,
      etag: this.nextEtag(),
    };
    secret.versions.push(version);
    return versionResource(secret.name, version);
  }

  getSecretVersion({ name }: NameRequest): Record<string, unknown> {
    const { secret, version } = this.resolve(name);
    return versionResource(secret.name, version);
  }

  accessSecretVersion({ name }: NameRequest): Record<string, unknown> {
    const { secret, version } = this.resolve(name);
    const resolved = versionName(secret.name, version.version);
    if (version.state !== 'ENABLED' || !version.data) {
      throw new RpcError(
        Code.FAILED_PRECONDITION,
        `Secret Version [${resolved}] is in ${version.state} state.`,
      );
    }
    return {
      name: resolved,
      payload: { data: Buffer.from(version.data), dataCrc32c: String(version.crc32c) },
    };
  }

  listSecretVersions({
    parent,
    pageSize,
    pageToken,
    filter,
  }: ListSecretVersionsRequest): Record<string, unknown> {
    const secret = this.secret(parent);
    const matches = parseVersionFilter(filter ?? '');
    // Newest first, as the service lists them.
    const all = secret.versions.filter((v) => matches(v.state)).reverse();
    const start = pageToken ? decodePageToken(pageToken) : 0;
    const end = pageSize ? start + pageSize : all.length;
    return {
      versions: all.slice(start, end).map((v) => versionResource(secret.name, v)),
      nextPageToken: end < all.length ? String(end) : '',
      totalSize: all.length,
    };
  }

  disableSecretVersion(request: NameRequest): Record<string, unknown> {
    return this.transition(request, 'DISABLED');
  }

  enableSecretVersion(request: NameRequest): Record<string, unknown> {
    return this.transition(request, 'ENABLED');
  }

  destroySecretVersion(request: NameRequest): Record<string, unknown> {
    return this.transition(request, 'DESTROYED');
  }

  /** Test-side view of one secret's versions, oldest first. Accepts a secret id or a full name. */
  versions(secretIdOrName: string): VersionSnapshot[] {
    const candidates = [...this.secrets.values()].filter(
      (s) => s.name === secretIdOrName || secretIdOf(s.name) === secretIdOrName,
    );
    if (candidates.length !== 1) {
      throw new Error(`expected one secret named ${secretIdOrName}, found ${candidates.length}`);
    }
    return candidates[0].versions.map((v) => ({
      version: v.version,
      state: v.state,
      data: v.data && Buffer.from(v.data),
      createTime: v.createTime,
    }));
  }

  clear(): void {
    this.secrets.clear();
  }

  private transition(request: NameRequest, to: VersionState): Record<string, unknown> {
    rejectEtag(request);
    const { secret, version } = this.resolve(request.name);
    if (version.state === 'DESTROYED') {
      throw new RpcError(
        Code.FAILED_PRECONDITION,
        `Secret Version [${versionName(secret.name, version.version)}] is in DESTROYED state.`,
      );
    }
    if (version.state !== to) {
      version.state = to;
      version.etag = this.nextEtag();
      if (to === 'DESTROYED') {
        version.data = undefined;
        version.destroyTime = this.now();
      }
    }
    return versionResource(secret.name, version);
  }

  /** `latest` is the most recently created version whatever its state, as in the service. */
  private resolve(name: string): { secret: StoredSecret; version: StoredVersion } {
    const { secretName, version } = parseVersionName(name);
    const secret = this.secrets.get(secretName);
    if (version === 'latest') {
      const newest = secret?.versions.at(-1);
      if (!secret || !newest) {
        throw new RpcError(Code.NOT_FOUND, `Secret [${secretName}] not found or has no versions.`);
      }
      return { secret, version: newest };
    }
    if (!secret) throw new RpcError(Code.NOT_FOUND, `Secret [${secretName}] not found.`);
    const found = typeof version === 'number' ? secret.versions[version - 1] : undefined;
    if (!found) throw new RpcError(Code.NOT_FOUND, `Secret Version [${name}] not found.`);
    return { secret, version: found };
  }

  private secret(name: string): StoredSecret {
    const secret = this.secrets.get(parseSecretName(name));
    if (!secret) throw new RpcError(Code.NOT_FOUND, `Secret [${name}] not found.`);
    return secret;
  }

  private nextEtag(): string {
    return `"${(++this.etagCounter).toString(16).padStart(14, '0')}"`;
  }
}

function rejectEtag({ etag }: NameRequest): void {
  if (etag) throw unsupported('etag preconditions');
}

function decodePageToken(token: string): number {
  const offset = Number(token);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RpcError(Code.INVALID_ARGUMENT, `invalid page_token "${token}"`);
  }
  return offset;
}
