import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pick, randomBase64, seededRandom } from './random';

/**
 * Throws thousands of malformed requests at one route of a served function and sorts every answer
 * into outcomes. Uses node:http rather than fetch: fetch refuses GET bodies, TRACE, odd methods and
 * raw bytes in paths, which are exactly what a hostile client sends.
 */
export interface FuzzRequest {
  method: string;
  /** Request target; may hold raw latin1 bytes, which Node writes as-is. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send without Content-Length (Transfer-Encoding: chunked). */
  chunked?: boolean;
  /** Which generator made it, for the report. */
  tag: string;
}

export interface FuzzOptions {
  baseUrl: string;
  /** The route under test, and its method: most requests aim near it. */
  path: string;
  method: string;
  count: number;
  seed: number;
  concurrency?: number;
  /** Last word on each request, e.g. to add a valid session so the fuzz reaches deeper. */
  mutate?: (request: FuzzRequest, random: () => number) => FuzzRequest;
}

export type Outcome = 'handled' | 'framework-html' | 'framework-ignored' | 'node-rejected' | 'violation';

export interface FuzzReport {
  total: number;
  statuses: Record<number, number>;
  outcomes: Record<Outcome, number>;
  /** body-parser's HTML 4xx (shared/http/request.ts): by status and by generator. */
  frameworkHtml: { byStatus: Record<number, number>; byTag: Record<string, number> };
  /** HTML 400s for unencoded bodies declared application/json: JSON that body-parser refused. */
  malformedJsonHtml400: number;
  /** The first 20, enough to reproduce: requests are a pure function of the seed. */
  violations: Violation[];
}

export interface Violation {
  index: number;
  tag: string;
  method: string;
  path: string;
  requestType?: string;
  status: number | string;
  responseType?: string;
  reason: string;
}

export const CANARY = 'CANARY';

export async function fuzzRoute(options: FuzzOptions): Promise<FuzzReport> {
  const random = seededRandom(options.seed);
  const requests = Array.from({ length: options.count }, () => {
    const request = generate(random, options);
    return options.mutate ? options.mutate(request, random) : request;
  });
  const report: FuzzReport = {
    total: 0,
    statuses: {},
    outcomes: { handled: 0, 'framework-html': 0, 'framework-ignored': 0, 'node-rejected': 0, violation: 0 },
    frameworkHtml: { byStatus: {}, byTag: {} },
    malformedJsonHtml400: 0,
    violations: [],
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency ?? 20 });
  const url = new URL(options.baseUrl);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const answer = await send(agent, url, requests[index]);
      record(report, index, requests[index], answer);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 20 }, worker));
  } finally {
    agent.destroy();
  }
  return report;
}

interface Answer {
  status?: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

function send(agent: http.Agent, url: URL, request: FuzzRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const headers = { ...request.headers };
    // Explicit: for GET, DELETE, OPTIONS… Node would otherwise send the body unframed, and the
    // server would read it as the next request on the kept-alive socket.
    if (request.body) {
      if (request.chunked) headers['Transfer-Encoding'] = 'chunked';
      else headers['Content-Length'] = String(request.body.length);
    }
    const outgoing = http.request(
      { agent, host: url.hostname, port: url.port, method: request.method, path: request.path, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', (error) =>
          resolve({ headers: {}, body: Buffer.alloc(0), error: error.message }),
        );
      },
    );
    // A CONNECT answer arrives as 'connect', never 'response'; the tunnel socket is ours to close.
    outgoing.on('connect', (response: http.IncomingMessage, socket: Duplex) => {
      socket.destroy();
      resolve({ status: response.statusCode, headers: response.headers, body: Buffer.alloc(0) });
    });
    outgoing.setTimeout(5000, () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ headers: {}, body: Buffer.alloc(0), error: error.code ?? error.message }),
    );
    if (request.chunked && request.body) {
      outgoing.write(request.body.subarray(0, 1));
      outgoing.end(request.body.subarray(1));
    } else {
      outgoing.end(request.body);
    }
  });
}

function record(report: FuzzReport, index: number, request: FuzzRequest, answer: Answer): void {
  report.total++;
  const status = answer.status ?? answer.error ?? 'none';
  if (typeof status === 'number') report.statuses[status] = (report.statuses[status] ?? 0) + 1;
  const { outcome, reason } = classify(request, answer);
  report.outcomes[outcome]++;
  if (outcome === 'framework-html') {
    const byStatus = report.frameworkHtml.byStatus;
    byStatus[answer.status ?? 0] = (byStatus[answer.status ?? 0] ?? 0) + 1;
    report.frameworkHtml.byTag[request.tag] = (report.frameworkHtml.byTag[request.tag] ?? 0) + 1;
    const encoded = request.headers['Content-Encoding'] !== undefined;
    if (answer.status === 400 && mediaType(request) === 'application/json' && !encoded) {
      report.malformedJsonHtml400++;
    }
  }
  if (outcome === 'violation' && report.violations.length < 20) {
    report.violations.push({
      index,
      tag: request.tag,
      method: request.method,
      path: request.path.slice(0, 80),
      requestType: request.headers['Content-Type'],
      status,
      responseType: answer.headers['content-type'],
      reason,
    });
  }
}

function classify(request: FuzzRequest, answer: Answer): { outcome: Outcome; reason: string } {
  const contentType = String(answer.headers['content-type'] ?? '');
  const status = answer.status ?? 0;
  if (status >= 500) return { outcome: 'violation', reason: 'status >= 500' };
  // Node's HTTP parser answers a bare 400/431, or drops the socket, before express sees anything.
  const bare = answer.error !== undefined || ([400, 431].includes(status) && contentType === '');
  if (bare && nodeRejects(request)) return { outcome: 'node-rejected', reason: '' };
  if (answer.error !== undefined) return { outcome: 'violation', reason: `transport: ${answer.error}` };
  if (contentType.startsWith('text/html') && [400, 413, 415].includes(status) && frameworkParses(request)) {
    return { outcome: 'framework-html', reason: '' };
  }
  // functions-framework answers these two paths itself, with an empty 404.
  if (status === 404 && answer.body.length === 0 && /^\/(favicon\.ico|robots\.txt)/.test(request.path)) {
    return { outcome: 'framework-ignored', reason: '' };
  }
  return checkOurs(request, answer);
}

function checkOurs(request: FuzzRequest, answer: Answer): { outcome: Outcome; reason: string } {
  const violation = (reason: string) => ({ outcome: 'violation' as const, reason });
  const status = answer.status ?? 0;
  if (answer.headers['cache-control'] !== 'no-store') return violation('no Cache-Control: no-store');
  if (answer.headers['x-content-type-options'] !== 'nosniff') return violation('no nosniff');
  if (status === 204 || (status >= 300 && status < 400)) return { outcome: 'handled', reason: '' };
  if (answer.headers['content-type'] !== 'application/json; charset=utf-8') return violation('not JSON');
  if (request.method === 'HEAD') return { outcome: 'handled', reason: '' };
  let parsed: { error?: { code?: unknown; message?: unknown } };
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return violation('body is not JSON');
  }
  if (status >= 200 && status < 300) return { outcome: 'handled', reason: '' };
  const code = parsed.error?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_')) return violation('no error.code');
  if (typeof parsed.error?.message !== 'string') return violation('no error.message');
  return { outcome: 'handled', reason: '' };
}

const NODE_METHODS = new Set(http.METHODS.filter((method) => method !== 'CONNECT'));

/** What Node's own HTTP parser refuses before express: unknown methods, raw bytes, huge heads. */
function nodeRejects(request: FuzzRequest): boolean {
  const headerBytes = Object.entries(request.headers).reduce(
    (sum, [n, v]) => sum + n.length + v.length + 4,
    0,
  );
  const head = request.method.length + request.path.length + headerBytes;
  return !NODE_METHODS.has(request.method) || /[^\x21-\x7e]/.test(request.path) || head > 16_384 - 256;
}

/** The requests body-parser decodes itself (json, text, urlencoded, any encoding) and may refuse. */
function frameworkParses(request: FuzzRequest): boolean {
  const parsed = [
    'application/json',
    'application/cloudevents+json',
    'text/plain',
    'application/x-www-form-urlencoded',
  ];
  return parsed.includes(mediaType(request)) || request.headers['Content-Encoding'] !== undefined;
}

function mediaType(request: FuzzRequest): string {
  return (request.headers['Content-Type'] ?? '').split(';')[0].trim().toLowerCase();
}

// ---- generation ---------------------------------------------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE'];
const ODD_METHODS = ['BREW', 'CONNECT', 'X-UNKNOWN', 'M-SEARCH', 'QUERY'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON; Charset="UTF-8"',
  'application/json; charset=utf-16le',
  'application/json; charset=latin1',
  'application/json;;;',
  'application/jsonx',
  'application/vnd.api+json',
  'application/cloudevents+json',
  'text/plain',
  'text/plain; charset=bogus',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  '*/*',
  'garbage',
  `application/json; ${CANARY}=1`,
];

function generate(random: () => number, options: FuzzOptions): FuzzRequest {
  const roll = random();
  const method =
    roll < 0.6 ? options.method : roll < 0.95 ? pick(random, METHODS) : pick(random, ODD_METHODS);
  const headers = randomHeaders(random);
  const [tag, body] = random() < 0.85 ? randomBody(random) : ['no body', undefined];
  if (body !== undefined && random() < 0.85) headers['Content-Type'] = pick(random, CONTENT_TYPES);
  if (random() < 0.08) {
    const encoding = pick(random, ['gzip', 'gzip', 'deflate', 'br', 'identity', 'x-bogus']);
    headers['Content-Encoding'] = encoding;
    const compressed = encoding === 'gzip' && body !== undefined && random() < 0.5;
    return {
      method,
      path: randomPath(random, options.path),
      headers,
      body: compressed ? gzipSync(body) : body,
      tag,
    };
  }
  return { method, path: randomPath(random, options.path), headers, body, tag, chunked: random() < 0.1 };
}

function randomPath(random: () => number, route: string): string {
  const variants = [
    route,
    route,
    route,
    `${route}/`,
    `${route}//`,
    `/..${route}`,
    `/%2e%2e/%2e%2e${route}`,
    `${route}/../../etc/passwd`,
    `${route}%2f..%2f`,
    route.toUpperCase(),
    `${route}%00`,
    `/%F0%9F%92%A9${route}`,
    `${route}\xff\xfe`, // raw non-ASCII bytes: Node's parser refuses them
    `/${'a'.repeat(1 + Math.floor(random() * 8000))}`,
    `/${'b'.repeat(17_000)}`, // past Node's 16 KiB header limit
    '/favicon.ico',
    '//evil.example/x',
    '/',
  ];
  const path = pick(random, variants);
  const queries = [
    '',
    '',
    `?token=${CANARY}`,
    `?a=1&a=2&__proto__=${CANARY}`,
    `?a[b][c]=${CANARY}`,
    '?%ZZ=%E0%A4%A',
    `?x=${'q'.repeat(3000)}`,
    `?${Array.from({ length: 200 }, (_, i) => `k${i}=${CANARY}`).join('&')}`,
  ];
  return path + pick(random, queries);
}

function randomHeaders(random: () => number): Record<string, string> {
  const headers: Record<string, string> = {};
  const maybe = (probability: number, name: string, value: () => string) => {
    if (random() < probability) headers[name] = value();
  };
  maybe(0.4, 'Cookie', () =>
    pick(random, [
      `session=${CANARY}-${randomBase64(random, 24)}`,
      `__Host-session=${CANARY}; csrf=${CANARY}; ${'x=1; '.repeat(100)}`,
      `=${CANARY}; ;;; =; \xff\xfe=${CANARY}`,
      `session=${'z'.repeat(4000)}`,
    ]),
  );
  maybe(0.4, 'Authorization', () =>
    pick(random, [
      `Bearer ${CANARY}${randomBase64(random, 32)}`,
      `Basic ${Buffer.from(`${CANARY}:${CANARY}`).toString('base64')}`,
      `OAuth oauth_token="${CANARY}", oauth_signature="%%%"`,
      `Bearer ${'A'.repeat(6000)}`,
      CANARY,
    ]),
  );
  maybe(0.2, 'X-Forwarded-For', () => pick(random, ['::1, 999.1.1.1', `${CANARY}`, '1.2.3.4,'.repeat(200)]));
  maybe(0.1, 'X-HTTP-Method-Override', () => 'DELETE');
  maybe(0.2, 'Accept', () => pick(random, ['text/html', '*/*;q=0', 'application/json;q=abc']));
  maybe(0.2, 'Origin', () => pick(random, ['https://evil.example', 'null']));
  maybe(0.3, `X-${randomBase64(random, 6).replace(/[^A-Za-z0-9]/g, 'q')}`, () => `${CANARY} \xe9\xff`);
  return headers;
}

function randomBody(random: () => number): [string, Buffer] {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const depth = 1 + Math.floor(random() * 20_000);
  const generators: [string, () => Buffer | string][] = [
    ['valid object', () => `{"pin":"H92GX","note":"${CANARY}"}`],
    ['empty', () => ''],
    ['json array', () => `["${CANARY}"]`],
    ['json primitive', () => pick(random, ['1', 'true', 'null', `"${CANARY}"`, '1e999999'])],
    [
      'malformed json',
      () => pick(random, ['{', `{"pin":${CANARY}}`, '{"a":1,}', "{'a':1}", 'NaN', '{"a":1}x']),
    ],
    ['deep arrays', () => '['.repeat(depth) + ']'.repeat(depth)],
    ['deep objects', () => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)],
    ['oversized', () => `{"pin":"${'A'.repeat(16_000 + Math.floor(random() * 1_000_000))}"}`],
    [
      'invalid utf-8',
      () => Buffer.concat([Buffer.from('{"pin":"'), bytes(1 + Math.floor(random() * 64)), Buffer.from('"}')]),
    ],
    ['overlong utf-8', () => Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d])],
    ['random bytes', () => bytes(Math.floor(random() * 4096))],
    ['bom', () => `\ufeff{"pin":"H92GX"}`],
    ['nul bytes', () => `{"pin":"\u0000${CANARY}\u0000"}`],
    ['prototype keys', () => `{"__proto__":{"polluted":"${CANARY}"},"constructor":{"prototype":{"x":1}}}`],
    ['duplicate keys', () => `{"pin":"H92GX","pin":{"$gt":""}}`],
    ['form', () => `pin=${CANARY}&${'a[b]=1&'.repeat(1200)}`],
  ];
  const [tag, make] = pick(random, generators);
  const body = make();
  return [tag, typeof body === 'string' ? Buffer.from(body, 'utf8') : body];
}
