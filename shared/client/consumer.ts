import { AppError } from '../app/errors';
import type { Consumer } from '../oauth1/signer';
import type { SecretReader } from '../ports/secretReader';

/**
 * A connection's consumer key and secret from its secret (`{"key": …, "secret": …}`), as the
 * functions read it. ERR_CONSUMER_MISSING names the secret id, never its value.
 */
export async function readConsumer(secrets: SecretReader, secretId: string): Promise<Consumer> {
  const raw = await secrets.read(secretId);
  let value: { key?: unknown; secret?: unknown } | undefined;
  try {
    value = raw === undefined ? undefined : (JSON.parse(raw) as typeof value);
  } catch {
    // Reported as missing below, without echoing the value: JSON.parse's message quotes it.
  }
  const { key, secret } = value ?? {};
  if (typeof key !== 'string' || key === '' || typeof secret !== 'string' || secret === '') {
    throw new AppError('ERR_CONSUMER_MISSING', `The consumer key is not configured (secret ${secretId})`);
  }
  return { key, secret };
}
