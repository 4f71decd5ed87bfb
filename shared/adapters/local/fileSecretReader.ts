import { readFile } from 'node:fs/promises';
import type { SecretReader } from '../../ports/secretReader';

/**
 * The local stand-in for Secret Manager's configuration secrets: one JSON object `{ id: value }` in
 * a 0600 file that the local system seeds on first start (see local/secrets.ts).
 */
export class FileSecretReader implements SecretReader {
  constructor(private readonly filePath: string) {}

  async read(secretId: string): Promise<string | undefined> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const secrets = JSON.parse(text) as Record<string, unknown>;
    const value = secrets[secretId];
    return typeof value === 'string' ? value : undefined;
  }
}
