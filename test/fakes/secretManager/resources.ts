import type { VersionState } from './versionFilter';

// The fake's stored model and its wire shape. Field names are proto-loader's camelCase; int64 fields
// travel as decimal strings (proto-loader `longs: String`), Timestamps as { seconds, nanos }.

export interface StoredVersion {
  readonly version: number;
  state: VersionState;
  /** Dropped when the version is destroyed, as the real service does. */
  data: Buffer | undefined;
  readonly crc32c: number;
  readonly clientSpecifiedPayloadChecksum: boolean;
  readonly createTime: Date;
  destroyTime: Date | undefined;
  etag: string;
}

export interface StoredSecret {
  readonly name: string;
  readonly createTime: Date;
  /** Client-supplied fields the fake stores and echoes back unchanged (replication, labels, …). */
  readonly echoed: Readonly<Record<string, unknown>>;
  readonly etag: string;
  /** Index i holds version i + 1; versions are never removed, only destroyed. */
  readonly versions: StoredVersion[];
}

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export function timestamp(date: Date): Timestamp {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function versionName(secretName: string, version: number): string {
  return `${secretName}/versions/${version}`;
}

export function secretResource(secret: StoredSecret): Record<string, unknown> {
  return { ...secret.echoed, name: secret.name, createTime: timestamp(secret.createTime), etag: secret.etag };
}

export function versionResource(secretName: string, v: StoredVersion): Record<string, unknown> {
  return {
    name: versionName(secretName, v.version),
    createTime: timestamp(v.createTime),
    ...(v.destroyTime ? { destroyTime: timestamp(v.destroyTime) } : {}),
    state: v.state,
    etag: v.etag,
    clientSpecifiedPayloadChecksum: v.clientSpecifiedPayloadChecksum,
  };
}
