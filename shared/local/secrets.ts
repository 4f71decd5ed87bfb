import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/local/atomicFile';
import { generateApiKey } from '../auth';
import type { Connection } from '../config';
import { SECRET_IDS } from '../ports/secretReader';
import { DEMO_CONSUMER } from '../simulator';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Seeds the local system's secrets on first start: a login-link key, an API key (only its hash is
 * a "secret"; the key itself is kept beside it for the local CLI), and each connection's consumer
 * key — the simulator's demo consumer unless real E*TRADE keys are in the environment.
 */
export async function ensureLocalSecrets(
  dataDir: string,
  connections: readonly Connection[],
  env: Env,
): Promise<{ apiKey: string }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const secretsPath = join(dataDir, 'secrets.json');
  const apiKeyPath = join(dataDir, 'api-key');
  const secrets = await readJson(secretsPath);
  let apiKey = (await readText(apiKeyPath))?.trim();
  if (!apiKey || typeof secrets[SECRET_IDS.apiKeyHash] !== 'string') {
    const generated = generateApiKey();
    apiKey = generated.apiKey;
    secrets[SECRET_IDS.apiKeyHash] = generated.hash;
    await writeFile(apiKeyPath, `${apiKey}\n`, { mode: 0o600 });
  }
  secrets[SECRET_IDS.loginLinkKey] ??= randomBytes(32).toString('base64url');
  const consumer =
    env.ETRADE_CONSUMER_KEY && env.ETRADE_CONSUMER_SECRET
      ? { key: env.ETRADE_CONSUMER_KEY, secret: env.ETRADE_CONSUMER_SECRET }
      : DEMO_CONSUMER;
  for (const connection of connections) secrets[connection.consumerSecretId] ??= JSON.stringify(consumer);
  await writeFileAtomic(secretsPath, `${JSON.stringify(secrets, null, 2)}\n`, 0o600);
  return { apiKey };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  const text = await readText(path);
  return text === undefined ? {} : (JSON.parse(text) as Record<string, unknown>);
}
