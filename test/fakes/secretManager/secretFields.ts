import { Code, RpcError, unsupported } from './rpcError';

// Secret fields that would make the real service do something over time (expire, rotate, notify) or
// resolve extra aliases. The fake does none of that, so it refuses them rather than ignore them.
const UNMODELLED = [
  'topics',
  'expireTime',
  'ttl',
  'rotation',
  'versionAliases',
  'versionDestroyTtl',
  'customerManagedEncryption',
  'tags',
] as const;

/** Fields stored as given and echoed back on reads. */
const ECHOED = ['replication', 'labels', 'annotations', 'secretType'] as const;

/** Validates a CreateSecret `secret` and returns the fields to store. */
export function storableSecretFields(secret: Record<string, unknown>): Record<string, unknown> {
  const unmodelled = UNMODELLED.filter((field) => secret[field] !== undefined);
  if (unmodelled.length > 0) throw unsupported(`Secret fields ${unmodelled.join(', ')}`);
  // Global secrets must say how they replicate; the service rejects a secret without it.
  if (secret.replication === undefined) {
    throw new RpcError(Code.INVALID_ARGUMENT, 'Secret.replication must be specified');
  }
  return Object.fromEntries(ECHOED.filter((f) => secret[f] !== undefined).map((f) => [f, secret[f]]));
}
