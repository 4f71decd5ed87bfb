import { type ChildProcess, fork } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';

import { type Consumer, EtradeSimulator } from '../../shared/simulator';

/**
 * The strict simulator in a child process of its own, standing in for E*TRADE the way the real one
 * stands: on the other end of a socket, with its own CPU. In the same process its request parsing and
 * signature checks ran on the keep-alive's event loop and were billed to the keep-alive's wall time,
 * which E*TRADE's work never is. The child is the same bundle started with SIMULATOR_CHILD_FLAG.
 */
export const SIMULATOR_CHILD_FLAG = '--simulator-child';

/** One request as the simulator received it: when (child's monotonic ms), under which key and token. */
export interface Arrival {
  readonly at: number;
  readonly consumer: string;
  readonly token: string;
}

type Request =
  | { type: 'start'; consumers: Consumer[]; latencyMs: number; nowMs: number }
  | { type: 'setNow'; nowMs: number }
  | { type: 'approve'; requestToken: string }
  | { type: 'record' }
  | { type: 'takeArrivals' };
type Reply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

export class SimulatorProcess {
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  private nextId = 0;
  private exited = false;
  url = '';
  authorizeUrlBase = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(new Error(`simulator process: ${reply.error}`));
    });
    const fail = (error: Error) => {
      this.exited = true;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    child.once('exit', (code, signal) => fail(new Error(`simulator process exited (${code ?? signal})`)));
    // A send to a child that just died fails with EPIPE: the pending requests fail instead of the process.
    child.on('error', fail);
  }

  /** `script` is the running benchmark's own bundle: it serves the simulator when given the flag. */
  static async start(
    script: string,
    options: { consumers: Consumer[]; latencyMs: number; nowMs: number },
  ): Promise<SimulatorProcess> {
    const child = fork(script, [SIMULATOR_CHILD_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const sim = new SimulatorProcess(child);
    const urls = (await sim.ask({ type: 'start', ...options })) as { url: string; authorizeUrlBase: string };
    sim.url = urls.url;
    sim.authorizeUrlBase = urls.authorizeUrlBase;
    return sim;
  }

  /** The simulator's clock follows the benchmark's ManualClock: call after every advance. */
  async setNow(nowMs: number): Promise<void> {
    await this.ask({ type: 'setNow', nowMs });
  }

  /** What pressing "Log in" on the authorize page does: the PIN for a live request token. */
  async approve(requestToken: string): Promise<string> {
    return (await this.ask({ type: 'approve', requestToken })) as string;
  }

  /** Starts (or restarts) recording every request's arrival. */
  async record(): Promise<void> {
    await this.ask({ type: 'record' });
  }

  /** The arrivals since `record()`; recording stops. */
  async takeArrivals(): Promise<Arrival[]> {
    return (await this.ask({ type: 'takeArrivals' })) as Arrival[];
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }

  private ask(request: Request): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('simulator process has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, ...request });
    });
  }
}

/** The child's side: one simulator, driven over IPC until the parent disconnects. */
export function serveSimulator(): void {
  let sim: EtradeSimulator | undefined;
  let nowMs = 0;
  let arrivals: Arrival[] | undefined;
  subscribe('http.server.request.start', (message) => {
    if (!arrivals) return;
    const header = (message as { request: IncomingMessage }).request.headers.authorization ?? '';
    const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(header)?.[1] ?? '';
    arrivals.push({
      at: performance.now(),
      consumer: param('oauth_consumer_key'),
      token: param('oauth_token'),
    });
  });
  const handle = async (request: Request): Promise<unknown> => {
    switch (request.type) {
      case 'start':
        nowMs = request.nowMs;
        sim = new EtradeSimulator({
          consumers: request.consumers,
          clock: () => nowMs,
          latencyMs: request.latencyMs,
        });
        await sim.start();
        return { url: sim.url, authorizeUrlBase: sim.authorizeUrlBase };
      case 'setNow':
        nowMs = request.nowMs;
        return undefined;
      case 'approve':
        if (!sim) throw new Error('not started');
        return sim.approve(request.requestToken);
      case 'record':
        arrivals = [];
        return undefined;
      case 'takeArrivals': {
        const taken = arrivals ?? [];
        arrivals = undefined;
        return taken;
      }
    }
  };
  process.on('message', (message: Request & { id: number }) => {
    handle(message).then(
      (value) => process.send?.({ id: message.id, ok: true, value }),
      (error: unknown) => process.send?.({ id: message.id, ok: false, error: (error as Error).message }),
    );
  });
  process.once('disconnect', () => void sim?.close().finally(() => process.exit(0)));
  process.once('SIGTERM', () => void (sim?.close() ?? Promise.resolve()).finally(() => process.exit(0)));
}
