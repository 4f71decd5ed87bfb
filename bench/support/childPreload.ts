/**
 * Preloaded (`node -r`) into every function process the benchmarks spawn, ours and the floors alike.
 *
 * - BENCH_SECRET_MANAGER_PORT: points `new SecretManagerServiceClient()` at the Secret Manager fake over
 *   plaintext. The composition root builds that client from the environment alone, and Secret Manager
 *   has no `*_EMULATOR_HOST` variable, so a child process has no other way in. The patch happens when
 *   the package is first required, so it costs nothing in a process that never loads the client.
 * - BENCH_DUMP_FILE: on SIGUSR2, writes the loaded modules (require.cache), memory and CPU use there.
 * - BENCH_TRACE_LOADS=1: also records, for each package our code (or the entry) requires, when it was
 *   first required (ms since process start) and how long that took, dependencies included; and when
 *   the server began to listen. For diagnosis only: the hook itself costs a little.
 * - BENCH_FIRESTORE_REST=1 (experiment): `new Firestore()` gets `preferRest: true` (HTTP/1.1 + JSON through
 *   google-gax's fallback instead of gRPC). On the emulator the fallback still wants credentials, so it
 *   gets a google-auth-library OAuth2Client holding the emulator's fixed `owner` token (no network).
 * - BENCH_CLOCK_OFFSET_MS: `Date.now()` and `new Date()` run this far ahead, so a scheduled function
 *   (morningAlert at 08:30 ET) does its real work whenever the benchmark happens to run.
 * - Always: the process exits when the benchmark that spawned it is gone (killed by the driver's limit,
 *   or by hand), so no orphaned function keeps a core busy under the next measurement.
 */
import { writeFileSync } from 'node:fs';
import Module from 'node:module';
import net from 'node:net';
import path from 'node:path';

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
type ClientClass = new (options?: Record<string, unknown>, gax?: unknown) => object;

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 1_000).unref();

const port = Number(process.env.BENCH_SECRET_MANAGER_PORT);
if (port > 0) pointSecretManagerAt(port);

if (process.env.BENCH_FIRESTORE_REST === '1') firestoreOverRest();

const offset = Number(process.env.BENCH_CLOCK_OFFSET_MS);
if (offset) shiftClock(offset);

const trace: [string, number, number][] = [];
if (process.env.BENCH_TRACE_LOADS === '1') traceLoads();

const dumpFile = process.env.BENCH_DUMP_FILE;
if (dumpFile) {
  process.on('SIGUSR2', () => {
    // With --expose-gc, collect first: heapUsed is then the live heap, not the garbage not yet collected.
    (globalThis as { gc?: () => void }).gc?.();
    const dump = {
      modules: Object.keys(require.cache),
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
      trace,
    };
    writeFileSync(dumpFile, JSON.stringify(dump));
  });
}

function pointSecretManagerAt(smPort: number): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  let patched = false;
  loader._load = function (this: unknown, request, parent, isMain) {
    const exported = load.call(this, request, parent, isMain);
    if (!patched && request === '@google-cloud/secret-manager') {
      patched = true;
      const pkg = exported as { SecretManagerServiceClient: ClientClass };
      // grpc-js checks credentials with instanceof: use the copy the client's own google-gax loaded.
      const entry = require.resolve('@google-cloud/secret-manager');
      const gax = require.resolve('google-gax', { paths: [path.dirname(entry)] });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path resolved at run time
      const { grpc } = require(gax) as { grpc: { credentials: { createInsecure(): unknown } } };
      const Original = pkg.SecretManagerServiceClient;
      pkg.SecretManagerServiceClient = class extends Original {
        constructor(options: Record<string, unknown> = {}, gaxInstance?: unknown) {
          const fake = {
            apiEndpoint: '127.0.0.1',
            port: smPort,
            sslCreds: grpc.credentials.createInsecure(),
          };
          super({ ...fake, ...options }, gaxInstance);
        }
      };
    }
    return exported;
  };
}

function firestoreOverRest(): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  let patched = false;
  loader._load = function (this: unknown, request, parent, isMain) {
    const exported = load.call(this, request, parent, isMain);
    if (!patched && request === '@google-cloud/firestore') {
      patched = true;
      const pkg = exported as { Firestore: ClientClass };
      const Original = pkg.Firestore;
      pkg.Firestore = class extends Original {
        constructor(settings: Record<string, unknown> = {}) {
          super({
            ...settings,
            preferRest: true,
            ...(process.env.FIRESTORE_EMULATOR_HOST && emulatorAuth()),
          });
        }
      };
    }
    return exported;
  };
}

function emulatorAuth(): { authClient: unknown } {
  const gax = path.dirname(
    require.resolve('google-gax', { paths: [require.resolve('@google-cloud/firestore')] }),
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy google-gax itself uses
  const { OAuth2Client } = require(require.resolve('google-auth-library', { paths: [gax] })) as {
    OAuth2Client: new () => { setCredentials(c: Record<string, unknown>): void };
  };
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'owner', expiry_date: Date.now() + 24 * 3_600_000 });
  return { authClient: client };
}

function shiftClock(ms: number): void {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + ms);
      else super(...(args as [string]));
    }
    static override now(): number {
      return RealDate.now() + ms;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

function traceLoads(): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  const seen = new Set<string>();
  loader._load = function (this: unknown, request, parent, isMain) {
    const from = (parent as { filename?: string } | undefined)?.filename ?? '';
    const edge = !from.includes('node_modules') && !request.startsWith('.') && !request.startsWith('node:');
    if (!edge || seen.has(request) || request.startsWith('/'))
      return load.call(this, request, parent, isMain);
    seen.add(request);
    const started = performance.now();
    try {
      return load.call(this, request, parent, isMain);
    } finally {
      trace.push([request, Math.round(started), Math.round(performance.now() - started)]);
    }
  };
  const { Server } = net;
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: unknown, ...args: unknown[]) {
    trace.push(['(listen)', Math.round(performance.now()), 0]);
    return listen.apply(this, args as never);
  } as typeof listen;
}
