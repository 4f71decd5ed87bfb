import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { CpuGroup, processRss } from './cpuQuota';
import { FunctionProcess, type SignatureType } from './functionProcess';
import { type Exchange, LatencyProxy, type LatencyProxyOptions } from './latencyProxy';

/**
 * Firebase Hosting's rewrites in front of Cloud Run's instances, on loopback: a request for a
 * function with no instance starts one (a FunctionProcess under the function's CPU quota, behind its
 * own latency proxies) and waits for it, as a cold start does; later requests reuse it. Between
 * requests an instance's CPU share drops to `idleShare`, as gen2 (request-based billing) throttles an
 * instance that is not serving a request, and comes back with the next request.
 */
export interface InstanceSpec {
  /** The deployed entry point (dist/functions/index.js of some build). */
  readonly source: string;
  readonly cpu: number;
  /** The process environment, given the instance's proxies (by name) and the front's URL. */
  readonly env: (proxies: Readonly<Record<string, LatencyProxy>>, frontUrl: string) => Record<string, string>;
  /** `cloudevent` for a Pub/Sub-triggered function; `http` when unset. */
  readonly signature?: SignatureType;
  /** Extra node flags (diagnosis: BENCH_RENEWAL_CPU_PROF's `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** The upstreams the instance talks to, through a latency proxy each. */
  readonly upstreams: readonly LatencyProxyOptions[];
}

/** One request the front served, as the instance's side saw it. */
export interface Served {
  readonly fn: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** ms (performance.now()) the request reached the front and its answer left it. */
  readonly start: number;
  readonly end: number;
  /** This request started the instance. */
  readonly cold: boolean;
  /** CPU (user + sys) the instance used for this request, ms: since spawn when cold. */
  readonly cpuMs: number;
  readonly rss: number;
  readonly peakRss: number;
  /** Spawn → port accepting, for a cold request. */
  readonly startupMs?: number;
  readonly body: string;
}

export class Instance {
  inFlight = 0;
  readonly exchanges: Exchange[][] = [];

  constructor(
    readonly fn: string,
    readonly proc: FunctionProcess,
    readonly group: CpuGroup | undefined,
    readonly proxies: Readonly<Record<string, LatencyProxy>>,
    readonly spawnedAt: number,
    readonly readyAt: number,
  ) {}

  /** Every exchange the instance made through the named proxies. */
  exchangesOf(names: readonly string[]): Exchange[] {
    return names.flatMap((name) => this.proxies[name]?.exchanges ?? []);
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    await Promise.all(Object.values(this.proxies).map((p) => p.close()));
    this.group?.remove();
  }
}

export class CloudFront {
  readonly served: Served[] = [];
  private readonly server: Server;
  private readonly rewrites: Map<string, string>;
  private readonly instances = new Map<string, Promise<Instance>>();
  url = '';

  constructor(
    firebaseJson: string,
    private readonly spec: (fn: string) => InstanceSpec,
    private readonly options: { idleShare: number; quota: boolean },
  ) {
    this.rewrites = readRewrites(firebaseJson);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  functionFor(urlPath: string): string | undefined {
    return this.rewrites.get(urlPath.split('?')[0]);
  }

  async instance(fn: string): Promise<Instance | undefined> {
    return this.instances.get(fn);
  }

  /** Resolves once no request is in flight at any instance (background work may go on). */
  async idle(): Promise<void> {
    for (;;) {
      const all = await Promise.all(this.instances.values());
      if (all.every((i) => i.inFlight === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    const all = await Promise.allSettled(this.instances.values());
    await Promise.all(all.flatMap((r) => (r.status === 'fulfilled' ? [r.value.stop()] : [])));
    this.instances.clear();
  }

  /**
   * A Pub/Sub message pushed to an event function as Eventarc pushes it (a CloudEvent, binary mode):
   * the instance starts if there is none. Resolves to the function's status (2xx: acknowledged).
   */
  async push(fn: string, message: { data: Buffer; messageId: string }, topic: string): Promise<number> {
    const body = Buffer.from(
      JSON.stringify({
        message: { data: message.data.toString('base64'), messageId: message.messageId },
        subscription: `projects/bench/subscriptions/${topic}-eventarc`,
      }),
    );
    const answer = await this.dispatch(fn, {
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/json',
        'ce-id': message.messageId,
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
        'ce-source': `//pubsub.googleapis.com/projects/bench/topics/${topic}`,
      },
      body,
    });
    return answer.status;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fn = this.functionFor(req.url ?? '/');
    if (!fn) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await this.dispatch(fn, {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  /** One request to the function's instance, started first if there is none; recorded in `served`. */
  private async dispatch(fn: string, req: Outgoing): Promise<Incoming> {
    const start = performance.now();
    let cold = false;
    let instance = this.instances.get(fn);
    if (!instance) {
      cold = true;
      instance = this.spawn(fn);
      this.instances.set(fn, instance);
    }
    let inst: Instance;
    try {
      inst = await instance;
    } catch (error) {
      return { status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from(String(error)) };
    }
    if (inst.inFlight++ === 0 && this.options.quota) inst.group?.setShare(this.spec(fn).cpu);
    const cpuBefore = cold ? 0 : inst.proc.cpuMs();
    try {
      const answer = await forward(inst.proc.port, req);
      const end = performance.now();
      const cpuMs = inst.proc.cpuMs() - cpuBefore;
      const { rss, peakRss } = processRss(inst.proc.pid);
      this.served.push({
        fn,
        method: req.method,
        path: req.url,
        status: answer.status,
        start,
        end,
        cold,
        cpuMs,
        rss,
        peakRss,
        ...(cold && { startupMs: inst.readyAt - inst.spawnedAt }),
        body: answer.body.toString('utf8'),
      });
      return answer;
    } catch (error) {
      return { status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from(String(error)) };
    } finally {
      if (--inst.inFlight === 0 && this.options.quota) inst.group?.setShare(this.options.idleShare);
    }
  }

  private async spawn(fn: string): Promise<Instance> {
    const spec = this.spec(fn);
    const proxies: Record<string, LatencyProxy> = {};
    for (const upstream of spec.upstreams) {
      proxies[upstream.name] = await new LatencyProxy(upstream).start();
    }
    const group = this.options.quota ? CpuGroup.create(spec.cpu) : undefined;
    const spawnedAt = performance.now();
    const proc = await FunctionProcess.spawn({
      source: spec.source,
      target: fn,
      signature: spec.signature ?? 'http',
      env: { ...spec.env(proxies, this.url), FUNCTION_SIGNATURE_TYPE: spec.signature ?? 'http' },
      cpuGroup: group,
      ...(spec.nodeArgs && { nodeArgs: spec.nodeArgs }),
    });
    try {
      await proc.waitUntilListening();
    } catch (error) {
      await proc.stop();
      group?.remove();
      throw error;
    }
    return new Instance(fn, proc, group, proxies, spawnedAt, performance.now());
  }
}

function readRewrites(file: string): Map<string, string> {
  const config = JSON.parse(readFileSync(path.resolve(file), 'utf8')) as {
    hosting: { rewrites: { source: string; function: { functionId: string } | string }[] };
  };
  return new Map(
    config.hosting.rewrites.map((r) => [
      r.source,
      typeof r.function === 'string' ? r.function : r.function.functionId,
    ]),
  );
}

interface Outgoing {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

interface Incoming {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

function forward(port: number, req: Outgoing): Promise<Incoming> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[] | undefined> = {
      ...req.headers,
      'content-length': String(req.body.length),
    };
    delete headers.connection;
    const out = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: false },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const passed: Record<string, string | string[]> = {};
          for (const [key, value] of Object.entries(answer.headers)) {
            if (value !== undefined && key !== 'connection' && key !== 'transfer-encoding')
              passed[key] = value;
          }
          resolve({ status: answer.statusCode ?? 0, headers: passed, body: Buffer.concat(chunks) });
        });
        answer.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}
