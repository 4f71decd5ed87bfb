/**
 * Where access tokens live. One secret per connection holds the token AND its secret as one JSON
 * value, so the two can never disagree; each swap adds a version, and older versions are disabled
 * only after the swap is recorded.
 */
export interface TokenSecret {
  readonly token: string;
  readonly secret: string;
}

export interface StoredTokenSecret {
  readonly pair: TokenSecret;
  /** The version id as the store names it (Secret Manager: "1", "2", …); increases with each put. */
  readonly version: string;
}

export interface SecretVault {
  /** Stores the pair as a new version and returns that version's id. Creates the secret if needed. */
  putTokenPair(connectionId: string, pair: TokenSecret): Promise<string>;
  /**
   * The pair of `version`, or of the newest ENABLED version when no version is given; undefined when
   * there is none (never stored, or that version is disabled or destroyed).
   */
  readTokenPair(connectionId: string, version?: string): Promise<StoredTokenSecret | undefined>;
  /** Disables every enabled version older than `keepVersion`; returns how many it disabled. */
  disableOlderVersions(connectionId: string, keepVersion: string): Promise<number>;
  /**
   * Disables `version` alone: the rollback of a put whose token was never recorded. A version that is
   * already disabled or destroyed, or was never stored, is left as it is, so a repeat is harmless.
   */
  disableVersion(connectionId: string, version: string): Promise<void>;
  /**
   * Destroys disabled versions except the newest `keepDisabled` (kept for a manual rollback); returns
   * how many it destroyed. Disabled versions are billed like enabled ones, one more each renewal.
   * With `below`, only versions older than it are considered (kept or destroyed): a caller disabling
   * `below` at the same moment can prune beside it without racing it.
   */
  destroyDisabledVersions(connectionId: string, keepDisabled: number, below?: string): Promise<number>;
}

/** `etrade-oauth-{connection}-access`: the Secret Manager secret id of a connection's token pair. */
export function accessSecretId(connectionId: string): string {
  return `etrade-oauth-${connectionId}-access`;
}

/** Version ids are decimal integers in both stores; compare them as numbers, never as strings. */
export function compareVersions(a: string, b: string): number {
  return Number(a) - Number(b);
}

export const SECRET_VAULT_ERROR_CODES = [
  'ERR_SECRET_CORRUPT', // the stored value is not a token pair, or fails its checksum
  'ERR_KEEP_VERSION_NOT_ENABLED', // disableOlderVersions was asked to keep a version that is not enabled
  'ERR_UNEXPECTED_RESPONSE', // the store answered with something we cannot interpret
] as const;
export type SecretVaultErrorCode = (typeof SECRET_VAULT_ERROR_CODES)[number];

/** Names the secret or file, never its contents (nor an error that quoted them: JSON.parse's do). */
export class SecretVaultError extends Error {
  override readonly name = 'SecretVaultError';

  constructor(
    readonly code: SecretVaultErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isTokenPair(value: unknown): value is TokenSecret {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { token, secret } = value as Record<string, unknown>;
  return typeof token === 'string' && token !== '' && typeof secret === 'string' && secret !== '';
}

export function assertTokenPair(pair: TokenSecret): void {
  if (!isTokenPair(pair)) throw new TypeError('pair.token and pair.secret must be non-empty strings');
}

/**
 * Lower-case letters, digits, `_` and `-`, at most 63: what a Secret Manager label value accepts (the
 * connection is one), which also keeps secret ids valid and file paths plain in either store.
 */
export function assertConnectionId(connectionId: string): void {
  if (typeof connectionId !== 'string' || !/^[a-z0-9_-]{1,63}$/.test(connectionId)) {
    throw new TypeError('connectionId must be 1-63 lower-case letters, digits, _ or -');
  }
}

export function assertVersion(version: string, argument: string): void {
  if (typeof version !== 'string' || !/^[1-9]\d*$/.test(version)) {
    throw new TypeError(`${argument} must be a version number such as "1"`);
  }
}

export function assertKeepCount(keep: number): void {
  if (!Number.isInteger(keep) || keep < 0)
    throw new RangeError('keepDisabled must be a whole number, 0 or more');
}
