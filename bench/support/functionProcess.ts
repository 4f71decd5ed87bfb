import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { freeLoopbackPort } from '../../test/global/freePort';
import { type CpuGroup, joinCommand, processCpuMs } from './cpuQuota';

/** functions-framework's own CLI entry (what `npx functions-framework` runs, minus npx). */
const FF_MAIN = path.join(path.dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
/** bench/run.mjs bundles each benchmark under dist/bench: the preload is dist/bench/support/childPreload.js. */
export const BENCH_DIST = benchDist(__dirname);
const PRELOAD = path.join(BENCH_DIST, 'support', 'childPreload.js');

function benchDist(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (path.basename(dir) === 'bench' && path.basename(path.dirname(dir)) === 'dist') return dir;
  }
  throw new Error(`run the benchmarks from dist/bench (bench/run.mjs builds them), not ${from}`);
}

export type SignatureType = 'http' | 'cloudevent';

export interface FirstRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Statuses that mean the function did its work; anything else fails the benchmark. */
  readonly expect: readonly number[];
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export interface Dump {
  readonly modules: string[];
  readonly memory: NodeJS.MemoryUsage;
  readonly cpu: NodeJS.CpuUsage;
  /** [package, first required at ms, took ms], with BENCH_TRACE_LOADS. */
  readonly trace: [string, number, number][];
}

export interface ProcessMemory {
  /** Peak resident set (VmHWM), bytes. */
  readonly peakRss: number;
  readonly rss: number;
}

const dir = mkdtempSync(path.join(tmpdir(), 'etrade-oauth-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let spawned = 0;

/**
 * One function process, started as Cloud Functions starts it: `node <functions-framework main.js>
 * --target=… --source=…` with the configuration in the environment. stdout/stderr go to a file (the
 * function logs a line per request; a pipe nobody drains would block it, and draining costs our CPU).
 */
export class FunctionProcess {
  readonly logFile: string;
  private readonly dumpFile: string;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly spawnedAt: number,
    files: { log: string; dump: string },
  ) {
    this.logFile = files.log;
    this.dumpFile = files.dump;
    child.once('exit', () => (this.exited = true));
  }

  static async spawn(options: {
    readonly source: string;
    readonly target: string;
    readonly signature: SignatureType;
    readonly env: Record<string, string>;
    /** Extra node flags (diagnosis: `--cpu-prof`, which NODE_OPTIONS refuses). */
    readonly nodeArgs?: readonly string[];
    /** Run under this CPU quota from its first instruction (bench/support/cpuQuota.ts). */
    readonly cpuGroup?: CpuGroup;
  }): Promise<FunctionProcess> {
    const port = await freeLoopbackPort();
    const n = ++spawned;
    const files = {
      log: path.join(dir, `${options.target}-${n}.log`),
      dump: path.join(dir, `dump-${n}.json`),
    };
    const log = openSync(files.log, 'w');
    const args = [
      ...(options.nodeArgs ?? []),
      '-r',
      PRELOAD,
      FF_MAIN,
      `--target=${options.target}`,
      `--signature-type=${options.signature}`,
      `--source=${options.source}`,
      `--port=${port}`,
    ];
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...options.env,
      FUNCTION_TARGET: options.target,
      BENCH_DUMP_FILE: files.dump,
    };
    const spawnedAt = performance.now();
    const [command, argv] = options.cpuGroup
      ? joinCommand(options.cpuGroup, [process.execPath, ...args])
      : [process.execPath, args];
    const child = spawn(command, argv, { env, stdio: ['ignore', log, log] });
    closeSync(log);
    return new FunctionProcess(child, port, spawnedAt, files);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the function process has no pid');
    return this.child.pid;
  }

  /**
   * The first request, sent as soon as the port accepts a connection (tried every 2 ms, as a load
   * balancer's start-up probe would): returns when the port first accepted and when the answer ended,
   * both in ms since spawn.
   */
  async firstRequest(
    req: FirstRequest,
    timeoutMs = 30_000,
  ): Promise<{ readyMs: number; answerMs: number } & Answer> {
    const deadline = this.spawnedAt + timeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`the function process exited before answering:\n${this.logTail()}`);
      const attempt = await this.send(req).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') return undefined;
        throw error;
      });
      if (attempt) {
        const answer = {
          ...attempt,
          readyMs: attempt.connectedAt - this.spawnedAt,
          answerMs: attempt.endedAt - this.spawnedAt,
        };
        if (!req.expect.includes(answer.status)) {
          throw new Error(
            `${req.method} ${req.path} answered ${answer.status}: ${answer.body.slice(0, 300)}\n${this.logTail()}`,
          );
        }
        return answer;
      }
      if (performance.now() > deadline)
        throw new Error(`no answer within ${timeoutMs} ms:\n${this.logTail()}`);
      await sleep(2);
    }
  }

  /** Resolves when the port accepts a connection (tried every 2 ms, as a start-up probe would). */
  async waitUntilListening(timeoutMs = 60_000): Promise<void> {
    const deadline = this.spawnedAt + timeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`the function process exited before listening:\n${this.logTail()}`);
      const accepted = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (accepted) return;
      if (performance.now() > deadline)
        throw new Error(`not listening within ${timeoutMs} ms:\n${this.logTail()}`);
      await sleep(2);
    }
  }

  /** One request; rejects with ECONNREFUSED while nothing listens. */
  send(req: FirstRequest): Promise<Answer & { connectedAt: number; endedAt: number }> {
    return new Promise((resolve, reject) => {
      let connectedAt = 0;
      const headers = {
        ...req.headers,
        ...(req.body !== undefined && { 'content-length': String(Buffer.byteLength(req.body)) }),
      };
      const r = request(
        { host: '127.0.0.1', port: this.port, method: req.method, path: req.path, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              connectedAt,
              endedAt: performance.now(),
            }),
          );
        },
      );
      r.once('socket', (socket) => socket.once('connect', () => (connectedAt = performance.now())));
      r.once('error', reject);
      r.end(req.body);
    });
  }

  /** User + system CPU the process has used so far, ms (/proc/<pid>/stat). */
  cpuMs(): number {
    return processCpuMs(this.pid);
  }

  /** VmHWM (peak) and VmRSS from /proc: what the kernel charged the process, native memory included. */
  memory(): ProcessMemory {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { peakRss: kib('VmHWM'), rss: kib('VmRSS') };
  }

  /** What the process has loaded so far (the preload writes it on SIGUSR2). */
  async dump(): Promise<Dump> {
    rmSync(this.dumpFile, { force: true });
    this.child.kill('SIGUSR2');
    for (let i = 0; i < 500 && !existsSync(this.dumpFile); i++) await sleep(10);
    await sleep(20);
    return JSON.parse(readFileSync(this.dumpFile, 'utf8')) as Dump;
  }

  logTail(chars = 2_000): string {
    try {
      const text = readFileSync(this.logFile, 'utf8');
      return text.length > chars ? `…${text.slice(-chars)}` : text;
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM (functions-framework closes its server), SIGKILL if it lingers. Only this child's pid. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  }
}
