import { Code, RpcError, unsupported } from './rpcError';

// Global secrets only: `projects/{project}/secrets/{secret}[/versions/{version}]`. Regional secrets
// (`projects/*/locations/*/…`) are served from a different endpoint and are not modelled.

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const SECRET_NAME = /^projects\/([^/]+)\/secrets\/([^/]+)$/;
const VERSION_NAME = /^(projects\/[^/]+\/secrets\/[^/]+)\/versions\/([^/]+)$/;

export function assertSecretId(secretId: string): void {
  if (!SECRET_ID.test(secretId)) {
    throw new RpcError(
      Code.INVALID_ARGUMENT,
      `secret_id "${secretId}" must be 1-255 characters of letters, digits, '_' or '-'`,
    );
  }
}

export function assertProjectParent(parent: string): void {
  if (parent.includes('/locations/')) throw unsupported(`regional secrets (${parent})`);
  if (!/^projects\/[^/]+$/.test(parent)) {
    throw new RpcError(Code.INVALID_ARGUMENT, `parent "${parent}" must look like projects/{project}`);
  }
}

/** Validates a secret name and returns it unchanged (it is the store's key). */
export function parseSecretName(name: string): string {
  if (name.includes('/locations/')) throw unsupported(`regional secrets (${name})`);
  const match = SECRET_NAME.exec(name);
  if (!match) {
    throw new RpcError(Code.INVALID_ARGUMENT, `name "${name}" must look like projects/{p}/secrets/{s}`);
  }
  return name;
}

/** `{ secretName, version }`: version is a number, or the alias as written (e.g. 'latest'). */
export function parseVersionName(name: string): { secretName: string; version: number | string } {
  if (name.includes('/locations/')) throw unsupported(`regional secrets (${name})`);
  const match = VERSION_NAME.exec(name);
  if (!match) {
    throw new RpcError(
      Code.INVALID_ARGUMENT,
      `name "${name}" must look like projects/{p}/secrets/{s}/versions/{v}`,
    );
  }
  const [, secretName, id] = match;
  return { secretName, version: /^[1-9]\d*$/.test(id) ? Number(id) : id };
}

export function secretIdOf(secretName: string): string {
  return secretName.slice(secretName.lastIndexOf('/') + 1);
}
