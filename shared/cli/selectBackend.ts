import { join, resolve } from 'node:path';
import type { Invocation } from './args';
import type { Backend } from './backend';
import type { CliIo } from './io';
import { localBackend } from './localBackend';
import { readApiKey, remoteBackend } from './remoteBackend';
import { systemClock } from '../ports/clock';

export const DEFAULT_DATA_DIR = '.local';

/**
 * Remote when a URL is given (`--url`, else ETRADE_OAUTH_URL) and `--local` is not; local otherwise.
 * Nothing is read or created until a command asks for its backend.
 */
export async function selectBackend(invocation: Invocation, io: CliIo): Promise<Backend> {
  const url = invocation.local ? undefined : (invocation.url ?? nonEmpty(io.env.ETRADE_OAUTH_URL));
  if (url !== undefined) {
    const apiKey = await readApiKey(invocation.apiKeyFile, io);
    return remoteBackend({ url, apiKey });
  }
  const dataDir = resolve(
    invocation.dataDir ?? nonEmpty(io.env.LOCAL_DATA_DIR) ?? join('.', DEFAULT_DATA_DIR),
  );
  return localBackend({
    dataDir,
    env: io.env,
    clock: io.clock ?? systemClock,
    stderr: invocation.verbose ? io.stderr : undefined,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
