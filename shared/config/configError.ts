/** One thing wrong with the configuration: where (an env variable, then a path inside it) and what. */
export interface ConfigIssue {
  /** `KEEPALIVE_LEAD_MINUTES`, `ETRADE_CONNECTIONS[1].environment`; empty when the message names it. */
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown once, at start-up, listing every issue found: a deploy with two mistakes should not need two
 * attempts to learn about both. Messages name the field and the bad value, never a secret.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid configuration: ${issues.map(formatIssue).join('; ')}`);
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** `['ETRADE_CONNECTIONS', 1, 'environment']` → `ETRADE_CONNECTIONS[1].environment`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}
