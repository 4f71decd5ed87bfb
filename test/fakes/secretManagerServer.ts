import type { ChannelCredentials, ServiceDefinition, handleUnaryCall, status } from '@grpc/grpc-js';

import { FaultPlan } from './secretManager/faults';
import { clientGrpc, secretManagerPackageDefinition } from './secretManager/grpcRuntime';
import { RpcError } from './secretManager/rpcError';
import { SecretStore, type VersionSnapshot } from './secretManager/secretStore';

/** The RPCs the fake implements; every other method of the service answers UNIMPLEMENTED. */
export const SECRET_MANAGER_RPCS = [
  'CreateSecret',
  'GetSecret',
  'DeleteSecret',
  'AddSecretVersion',
  'GetSecretVersion',
  'AccessSecretVersion',
  'ListSecretVersions',
  'DisableSecretVersion',
  'EnableSecretVersion',
  'DestroySecretVersion',
] as const;
export type SecretManagerRpc = (typeof SECRET_MANAGER_RPCS)[number];

export interface FakeSecretManager {
  readonly port: number;
  /** Fail the next `times` calls of `rpc` with `code` before they touch any state. */
  failNext(rpc: SecretManagerRpc, code: status, times?: number): void;
  /** Apply the next `times` calls of `rpc`, then answer `code`: a committed change whose reply was lost. */
  failNextAfterCommit(rpc: SecretManagerRpc, code: status, times?: number): void;
  /** Hold the next call of `rpc` for `ms` before handling it (queue several calls for several delays). */
  delayNext(rpc: SecretManagerRpc, ms: number): void;
  /** How many calls of `rpc` arrived, failed ones included: shows the client's retries. */
  calls(rpc: SecretManagerRpc): number;
  /** One secret's versions, oldest first; `secret` is an id or a full `projects/…/secrets/…` name. */
  versions(secret: string): VersionSnapshot[];
  /** Forget all secrets, queued faults and call counts. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeSecretManagerOptions {
  /** Clock for create/destroy times. */
  now?: () => Date;
}

const SERVICE = 'google.cloud.secretmanager.v1.SecretManagerService';

/**
 * An in-memory Secret Manager speaking the real gRPC API, built from the client library's own protos.
 * Secret Manager has no emulator; this lets tests run the real @google-cloud/secret-manager client
 * (retries, deadlines, error mapping and all) against it.
 *
 * Semantics follow the service: versions are numbered 1, 2, 3…; `latest` is the newest version whatever
 * its state, so accessing it fails with FAILED_PRECONDITION if that version is disabled; a destroyed
 * version loses its payload. Features the fake does not model (regional secrets, etags, expiry,
 * rotation, custom aliases, non-state filters) answer UNIMPLEMENTED instead of being ignored.
 */
export async function startFakeSecretManager(
  options: FakeSecretManagerOptions = {},
): Promise<FakeSecretManager> {
  const grpc = clientGrpc();
  const store = new SecretStore(options.now ?? (() => new Date()));
  const faults = new FaultPlan<SecretManagerRpc>();
  const timers = new Set<NodeJS.Timeout>();

  const handlers: Record<SecretManagerRpc, (request: never) => unknown> = {
    CreateSecret: (r) => store.createSecret(r),
    GetSecret: (r) => store.getSecret(r),
    DeleteSecret: (r) => store.deleteSecret(r),
    AddSecretVersion: (r) => store.addSecretVersion(r),
    GetSecretVersion: (r) => store.getSecretVersion(r),
    AccessSecretVersion: (r) => store.accessSecretVersion(r),
    ListSecretVersions: (r) => store.listSecretVersions(r),
    DisableSecretVersion: (r) => store.disableSecretVersion(r),
    EnableSecretVersion: (r) => store.enableSecretVersion(r),
    DestroySecretVersion: (r) => store.destroySecretVersion(r),
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function serve(rpc: SecretManagerRpc, request: never): Promise<unknown> {
    const { delayMs, failure } = faults.take(rpc);
    if (delayMs > 0) await sleep(delayMs);
    if (failure && !failure.afterCommit) throw new RpcError(failure.code, `injected ${rpc} failure`);
    const response = handlers[rpc](request);
    if (failure) throw new RpcError(failure.code, `injected ${rpc} failure after the change was applied`);
    return response;
  }

  const service = secretManagerPackageDefinition()[SERVICE] as ServiceDefinition;
  const implementation = Object.fromEntries(
    Object.keys(service).map((method): [string, handleUnaryCall<unknown, unknown>] => [
      method,
      (call, callback) => {
        if (!isImplemented(method)) {
          callback({
            code: grpc.status.UNIMPLEMENTED,
            details: `fake Secret Manager does not implement ${method}`,
          });
          return;
        }
        serve(method, call.request as never).then(
          (response) => callback(null, response),
          (err: unknown) =>
            callback(
              err instanceof RpcError
                ? { code: err.code, details: err.message }
                : { code: grpc.status.INTERNAL, details: `fake Secret Manager bug: ${String(err)}` },
            ),
        );
      },
    ]),
  );

  const server = new grpc.Server();
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );

  return {
    port,
    failNext: (rpc, code, times = 1) => faults.fail(rpc, code, times, false),
    failNextAfterCommit: (rpc, code, times = 1) => faults.fail(rpc, code, times, true),
    delayNext: (rpc, ms) => faults.delay(rpc, ms),
    calls: (rpc) => faults.calls(rpc),
    versions: (secret) => store.versions(secret),
    reset: () => {
      store.clear();
      faults.clear();
    },
    close: async () => {
      timers.forEach(clearTimeout);
      timers.clear();
      // Force: a test closing the fake is done with it, and a delayed call must not hold jest open.
      server.forceShutdown();
    },
  };
}

function isImplemented(method: string): method is SecretManagerRpc {
  return (SECRET_MANAGER_RPCS as readonly string[]).includes(method);
}

/**
 * Options for `new SecretManagerServiceClient(…)` that point the real client at the fake over plaintext.
 * The credentials come from the client's own grpc-js (see grpcRuntime.ts); and because `sslCreds` is
 * set, google-gax skips Google auth entirely, so no credentials or metadata server are needed.
 */
export function secretManagerClientOptions(port: number): {
  apiEndpoint: string;
  port: number;
  sslCreds: ChannelCredentials;
} {
  return { apiEndpoint: '127.0.0.1', port, sslCreds: clientGrpc().credentials.createInsecure() };
}
