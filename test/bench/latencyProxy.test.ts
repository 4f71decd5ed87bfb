import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import { type Exchange, LatencyProxy, sequentialRoundTrips } from '../../bench/support/latencyProxy';

/**
 * The renewal benchmark's round-trip count (bench/support/latencyProxy.ts): what it calls sequential,
 * and that the proxy finds HTTP/1.1 turns in the bytes it carries. Counts and order only, no timing.
 */
const x = (start: number, end: number, weight = 1): Exchange => ({
  proxy: 'p',
  kind: weight > 1 ? 'handshake' : 'h2',
  start,
  end,
  weight,
});

describe('sequentialRoundTrips', () => {
  it('counts exchanges one after another, and overlapping ones once', () => {
    // A, then B and C at once, then D: three waits in a row.
    expect(sequentialRoundTrips([x(0, 10), x(11, 20), x(12, 22), x(25, 30)], 0, 100)).toBe(3);
  });

  it('weighs a handshake as its round trips, and takes the heaviest chain', () => {
    expect(sequentialRoundTrips([x(0, 40, 2), x(40, 60), x(0, 15), x(16, 30), x(31, 45)], 0, 100)).toBe(3);
    expect(sequentialRoundTrips([x(0, 40, 2), x(40, 60), x(61, 70)], 0, 100)).toBe(4);
  });

  it('counts only what started inside the window, and cuts an unanswered exchange at its end', () => {
    expect(sequentialRoundTrips([x(-5, 3), x(4, Infinity), x(50, 60)], 0, 40)).toBe(1);
    expect(sequentialRoundTrips([], 0, 40)).toBe(0);
  });
});

describe('LatencyProxy', () => {
  let upstream: Server;
  let proxy: LatencyProxy;

  beforeAll(async () => {
    // An HTTP/1.1-ish echo: answers each request line with one line.
    upstream = createServer((socket) =>
      socket.on('data', () => socket.write('HTTP/1.1 204 No Content\r\n\r\n')),
    );
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    proxy = await new LatencyProxy({
      name: 'up',
      upstreamPort: (upstream.address() as AddressInfo).port,
      rttMs: 10,
      handshakeRtts: 2,
    }).start();
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('carries bytes both ways and records a handshake, then one exchange per request and answer', async () => {
    const socket: Socket = connect(proxy.port, '127.0.0.1');
    const answers: string[] = [];
    const answered = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (answers.length >= n ? resolve() : setTimeout(check, 2));
        check();
      });
    socket.on('data', (chunk: Buffer) => answers.push(chunk.toString()));
    socket.write('GET /a HTTP/1.1\r\n\r\n');
    await answered(1);
    socket.write('GET /b HTTP/1.1\r\n\r\n');
    await answered(2);
    socket.destroy();

    expect(answers.join('')).toBe('HTTP/1.1 204 No Content\r\n\r\n'.repeat(2));
    expect(proxy.exchanges.map((e) => [e.kind, e.weight])).toEqual([
      ['handshake', 2],
      ['http1', 1],
      ['http1', 1],
    ]);
    // The first request waited out the handshake; the second went after the first's answer.
    const [handshake, first, second] = proxy.exchanges;
    expect(first.start).toBeGreaterThanOrEqual(handshake.end);
    expect(second.start).toBeGreaterThanOrEqual(first.end);
    expect(sequentialRoundTrips(proxy.exchanges, 0, Infinity)).toBe(4);
  });
});
