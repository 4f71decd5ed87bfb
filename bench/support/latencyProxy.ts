import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A TCP proxy on loopback that puts a network between a function process and a fake or emulator:
 * every chunk waits half a round trip in each direction, in order, and a new connection first waits
 * `handshakeRtts` round trips (TCP and TLS to a Google front end; the emulators speak plaintext).
 *
 * It also records each exchange it carries, as an interval [request's first byte left the client,
 * response's last byte reached the client]: an HTTP/2 stream (gRPC: one RPC) from the client's
 * HEADERS to the server's END_STREAM or a RST_STREAM, an HTTP/1.1 request from the first byte after
 * the previous response to the last byte of its response, and each connection's handshake. How many
 * of those ran one after another is `sequentialRoundTrips`.
 */
export interface Exchange {
  readonly proxy: string;
  readonly kind: 'handshake' | 'h2' | 'http1';
  /** ms, performance.now() of this process. */
  readonly start: number;
  end: number;
  /** Round trips the exchange stands for: 1, or `handshakeRtts` for a handshake. */
  readonly weight: number;
}

export interface LatencyProxyOptions {
  readonly name: string;
  readonly upstreamPort: number;
  readonly upstreamHost?: string;
  /** One round trip, ms: each direction waits half. */
  readonly rttMs: number;
  /** Round trips a new connection waits before its first byte goes through. */
  readonly handshakeRtts?: number;
}

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const FRAME_HEADER = 9;
const END_STREAM = 0x1;
const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;

export class LatencyProxy {
  readonly exchanges: Exchange[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly options: LatencyProxyOptions) {
    this.server = net.createServer((client) => this.carry(client));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private carry(client: Socket): void {
    const { rttMs, handshakeRtts = 0, name } = this.options;
    const half = rttMs / 2;
    const opened = performance.now();
    const upstream = net.connect(this.options.upstreamPort, this.options.upstreamHost ?? '127.0.0.1');
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    if (handshakeRtts > 0) {
      this.exchanges.push({
        proxy: name,
        kind: 'handshake',
        start: opened,
        end: opened + handshakeRtts * rttMs,
        weight: handshakeRtts,
      });
    }
    // A request written during the handshake goes out when it ends, as it would over TLS.
    const tracker = new ExchangeTracker(name, this.exchanges, half, opened + handshakeRtts * rttMs);
    // Nothing goes up before the handshake would have ended; then half a round trip per chunk.
    const up = new DelayLine(upstream, opened + handshakeRtts * rttMs - half);
    const down = new DelayLine(client, 0);
    client.on('data', (chunk: Buffer) => {
      const now = performance.now();
      tracker.fromClient(chunk, now);
      up.push(chunk, now + half);
    });
    upstream.on('data', (chunk: Buffer) => {
      const now = performance.now();
      tracker.fromServer(chunk, now + half);
      down.push(chunk, now + half);
    });
    const end = () => {
      up.end();
      down.end();
    };
    client.on('end', () => up.end());
    upstream.on('end', () => down.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      this.sockets.delete(client);
      end();
    });
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      end();
    });
  }
}

/** Chunks to one socket, each not before its due time and never before the one ahead of it. */
class DelayLine {
  private readonly queue: { chunk: Buffer; due: number }[] = [];
  private timer?: NodeJS.Timeout;
  private ending = false;

  constructor(
    private readonly socket: Socket,
    private notBefore: number,
  ) {}

  push(chunk: Buffer, due: number): void {
    const at = Math.max(due, this.notBefore);
    this.notBefore = at;
    this.queue.push({ chunk, due: at });
    this.schedule();
  }

  end(): void {
    this.ending = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const next = this.queue[0];
    if (!next) {
      if (this.ending && !this.socket.destroyed) this.socket.end();
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = performance.now();
        while (this.queue.length > 0 && this.queue[0].due <= now + 0.5) {
          const { chunk } = this.queue.shift() as { chunk: Buffer };
          if (!this.socket.destroyed) this.socket.write(chunk);
        }
        this.schedule();
      },
      Math.max(0, next.due - performance.now()),
    );
  }
}

/** Finds requests and responses in the bytes of one connection (HTTP/2 frames, or HTTP/1.1 turns). */
class ExchangeTracker {
  private protocol?: 'h2' | 'http1';
  private clientBuf: Buffer = Buffer.alloc(0);
  private serverBuf: Buffer = Buffer.alloc(0);
  private prefaceSkipped = false;
  private readonly streams = new Map<number, Exchange>();
  /** HTTP/1.1: the exchange in progress, and whether its response has begun. */
  private current?: Exchange;
  private answering = false;

  constructor(
    private readonly proxy: string,
    private readonly out: Exchange[],
    private readonly half: number,
    private readonly earliest: number,
  ) {}

  fromClient(chunk: Buffer, arrived: number): void {
    const at = Math.max(arrived, this.earliest);
    if (!this.protocol) {
      const head = Buffer.concat([this.clientBuf, chunk]);
      if (head.length < H2_PREFACE.length && H2_PREFACE.subarray(0, head.length).equals(head)) {
        this.clientBuf = head;
        return;
      }
      this.protocol = head.subarray(0, H2_PREFACE.length).equals(H2_PREFACE) ? 'h2' : 'http1';
      this.clientBuf = Buffer.alloc(0);
      chunk = head;
    }
    if (this.protocol === 'http1') {
      if (!this.current || this.answering) {
        this.current = { proxy: this.proxy, kind: 'http1', start: at, end: at + 2 * this.half, weight: 1 };
        this.answering = false;
        this.out.push(this.current);
      }
      return;
    }
    this.clientBuf = Buffer.concat([this.clientBuf, chunk]);
    if (!this.prefaceSkipped) {
      if (this.clientBuf.length < H2_PREFACE.length) return;
      this.clientBuf = this.clientBuf.subarray(H2_PREFACE.length);
      this.prefaceSkipped = true;
    }
    this.clientBuf = eachFrame(this.clientBuf, (type, flags, stream) => {
      if (type === HEADERS && stream > 0 && !this.streams.has(stream)) {
        const exchange: Exchange = { proxy: this.proxy, kind: 'h2', start: at, end: Infinity, weight: 1 };
        this.streams.set(stream, exchange);
        this.out.push(exchange);
      }
      if (type === RST_STREAM) this.finish(stream, at + 2 * this.half);
      void flags;
    });
  }

  /** `at`: when these bytes reach the client. */
  fromServer(chunk: Buffer, at: number): void {
    if (this.protocol === 'http1') {
      if (this.current) {
        this.answering = true;
        this.current.end = at;
      }
      return;
    }
    if (this.protocol !== 'h2') return;
    this.serverBuf = eachFrame(Buffer.concat([this.serverBuf, chunk]), (type, flags, stream) => {
      if (((type === DATA || type === HEADERS) && flags & END_STREAM) || type === RST_STREAM) {
        this.finish(stream, at);
      }
    });
  }

  private finish(stream: number, at: number): void {
    const exchange = this.streams.get(stream);
    if (exchange && exchange.end === Infinity) exchange.end = at;
  }
}

/** Calls `frame` for each whole HTTP/2 frame in `buf`; returns the incomplete rest. */
function eachFrame(buf: Buffer, frame: (type: number, flags: number, stream: number) => void): Buffer {
  let offset = 0;
  while (buf.length - offset >= FRAME_HEADER) {
    const length = buf.readUIntBE(offset, 3);
    if (buf.length - offset < FRAME_HEADER + length) break;
    frame(buf[offset + 3], buf[offset + 4], buf.readUInt32BE(offset + 5) & 0x7fffffff);
    offset += FRAME_HEADER + length;
  }
  return buf.subarray(offset);
}

/**
 * How many round trips ran one after another between `from` and `to`: the heaviest chain of
 * exchanges that started in the window, each starting after the previous one ended (overlapping
 * exchanges, e.g. a batch sent concurrently, count once). Exchanges without an end count to `to`.
 */
export function sequentialRoundTrips(exchanges: readonly Exchange[], from: number, to: number): number {
  const inWindow = exchanges
    .filter((x) => x.start >= from && x.start < to)
    .map((x) => ({ start: x.start, end: Math.min(x.end, to), weight: x.weight }))
    .sort((a, b) => a.end - b.end);
  // best[i]: the heaviest chain ending with exchange i.
  const best: number[] = [];
  let heaviest = 0;
  for (let i = 0; i < inWindow.length; i++) {
    let before = 0;
    for (let j = 0; j < i; j++) {
      if (inWindow[j].end <= inWindow[i].start) before = Math.max(before, best[j]);
    }
    best[i] = before + inWindow[i].weight;
    heaviest = Math.max(heaviest, best[i]);
  }
  return heaviest;
}
