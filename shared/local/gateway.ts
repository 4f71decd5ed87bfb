import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** The parts of firebase.json the local gateway honours: the public folder, headers and rewrites. */
export interface HostingConfig {
  readonly public: string;
  readonly headers?: readonly { source: string; headers: readonly { key: string; value: string }[] }[];
  readonly rewrites?: readonly { source: string; function?: { functionId: string } | string }[];
}

export async function readHostingConfig(firebaseJsonPath = 'firebase.json'): Promise<HostingConfig> {
  const parsed = JSON.parse(await readFile(firebaseJsonPath, 'utf8')) as { hosting?: HostingConfig };
  if (!parsed.hosting) throw new Error(`${firebaseJsonPath} has no "hosting" section`);
  return parsed.hosting;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Firebase Hosting in miniature, from the same firebase.json: rewrites send exact paths to a
 * function (dispatched in-process), everything else is a static file with cleanUrls, and the
 * configured headers apply. Only exact-path sources are supported; that is all firebase.json uses.
 */
export function createGateway(
  hosting: HostingConfig,
  publicDir: string,
  dispatch: (functionId: string, req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const rewrites = new Map<string, string>();
  for (const rewrite of hosting.rewrites ?? []) {
    const target = typeof rewrite.function === 'string' ? rewrite.function : rewrite.function?.functionId;
    if (target) rewrites.set(rewrite.source, target);
  }
  const root = normalize(publicDir);
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    for (const header of hosting.headers ?? []) {
      if (header.source === '**' || header.source === path) {
        for (const { key, value } of header.headers) res.setHeader(key, value);
      }
    }
    const target = rewrites.get(path);
    if (target) return dispatch(target, req, res);
    void serveStatic(root, path, req, res);
  });
}

async function serveStatic(
  root: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'text/plain', 'Method Not Allowed');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return send(res, 400, 'text/plain', 'Bad Request');
  }
  const candidates = decoded.endsWith('/') ? [`${decoded}index.html`] : [decoded, `${decoded}.html`];
  for (const candidate of candidates) {
    const file = normalize(join(root, candidate));
    if (!file.startsWith(root + sep)) return send(res, 404, 'text/plain', 'Not Found');
    try {
      const body = await readFile(file);
      return send(
        res,
        200,
        TYPES[extname(file)] ?? 'application/octet-stream',
        req.method === 'HEAD' ? '' : body,
      );
    } catch {
      // try the next candidate (cleanUrls: /login → login.html)
    }
  }
  send(res, 404, 'text/plain', 'Not Found');
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  res.end(body);
}
