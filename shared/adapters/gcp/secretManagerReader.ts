// Type-only: the client is constructed by the composition root, loaded only where it is used.
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { SecretReader } from '../../ports/secretReader';

const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
/** Configuration secrets rarely change; re-reading every few minutes picks up a rotation. */
const DEFAULT_TTL_MS = 5 * 60_000;

/** Reads the latest version of configuration secrets, cached per instance for a few minutes. */
export class SecretManagerReader implements SecretReader {
  private readonly cache = new Map<string, { value: Promise<string | undefined>; until: number }>();

  constructor(
    private readonly client: SecretManagerServiceClient,
    private readonly projectId: string,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {}

  read(secretId: string): Promise<string | undefined> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(secretId);
    if (cached && cached.until > now) return cached.value;
    const value = this.access(secretId);
    this.cache.set(secretId, { value, until: now + (this.options.ttlMs ?? DEFAULT_TTL_MS) });
    // A failure must not be served from the cache.
    value.catch(() => this.cache.delete(secretId));
    return value;
  }

  private async access(secretId: string): Promise<string | undefined> {
    const name = `projects/${this.projectId}/secrets/${secretId}/versions/latest`;
    try {
      const [version] = await this.client.accessSecretVersion({ name });
      const data = version.payload?.data;
      if (data === undefined || data === null) return undefined;
      return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === NOT_FOUND || code === FAILED_PRECONDITION) return undefined;
      throw error;
    }
  }
}
