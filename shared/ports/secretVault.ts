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
}

/** `etrade-oauth-{connection}-access`: the Secret Manager secret id of a connection's token pair. */
export function accessSecretId(connectionId: string): string {
  return `etrade-oauth-${connectionId}-access`;
}

/** Version ids are decimal integers in both stores; compare them as numbers, never as strings. */
export function compareVersions(a: string, b: string): number {
  return Number(a) - Number(b);
}
