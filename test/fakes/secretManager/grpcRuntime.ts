import path from 'node:path';

import type * as Grpc from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';

// grpc-js checks credentials with `instanceof`, so the ChannelCredentials handed to the client must come
// from the very @grpc/grpc-js copy its google-gax loaded. Resolving google-gax from the client package's
// own directory finds that copy even if npm ever nests a second one. `require` (not createRequire) keeps
// this inside jest's module registry, where the client's modules live too.

const SECRET_MANAGER_ENTRY = require.resolve('@google-cloud/secret-manager');
const GAX_ENTRY = require.resolve('google-gax', { paths: [path.dirname(SECRET_MANAGER_ENTRY)] });

/** The @grpc/grpc-js module instance @google-cloud/secret-manager talks through. */
export function clientGrpc(): typeof Grpc {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the comment above
  return (require(GAX_ENTRY) as { grpc: typeof Grpc }).grpc;
}

let cachedDefinition: PackageDefinition | undefined;

/**
 * Secret Manager's service definition from the .proto files the client package ships, so the fake and
 * the client agree on every field number. google/api, google/iam and google/protobuf imports resolve
 * from google-gax's bundled protos.
 */
export function secretManagerPackageDefinition(): PackageDefinition {
  cachedDefinition ??= loadSync('google/cloud/secretmanager/v1/service.proto', {
    includeDirs: [protosDir(SECRET_MANAGER_ENTRY), protosDir(GAX_ENTRY)],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  return cachedDefinition;
}

// Both packages keep compiled code in build/src and protos in build/protos.
function protosDir(entry: string): string {
  return path.resolve(path.dirname(entry), '..', 'protos');
}
