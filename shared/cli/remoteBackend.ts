import { readFile, stat } from 'node:fs/promises';
import type { KeepAliveReport } from '../keepalive';
import type { StatusReport } from '../status/statusReport';
import type { Backend, FinishedLogin, KeepAliveStatusReport, StartedLogin } from './backend';
import { ApiError, CliError } from './errors';
import type { CliIo } from './io';

/** A PIN exchange makes several E*TRADE and store calls, each with its own retries. */
export const REMOTE_TIMEOUT_MS = 60_000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The HTTP API as a machine client: `Authorization: Bearer <API key>` (no session, so no CSRF).
 * Error answers keep the server's code and its words for the trader.
 */
export function remoteBackend(options: { readonly url: string; readonly apiKey?: string }): Backend {
  const base = checkBaseUrl(options.url);
  const target = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: object, auth = true): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth) {
      if (!options.apiKey) {
        throw new CliError(
          'ERR_API_KEY_MISSING',
          'Remote mode needs the API key: set ETRADE_OAUTH_API_KEY or pass --api-key-file FILE',
        );
      }
      headers.authorization = `Bearer ${options.apiKey}`;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${target}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError('ERR_UNREACHABLE', `No answer from ${target} (${networkCode(error)})`);
    }
    return readAnswer<T>(response, target);
  };

  return {
    mode: 'remote',
    target,
    status: async () => shaped(await call<StatusReport>('GET', '/status'), 'connections', target),
    keepAliveStatus: async () =>
      shaped(await call<KeepAliveStatusReport>('GET', '/keepalive/status'), 'connections', target),
    forceKeepAlive: async () =>
      shaped(await call<KeepAliveReport>('POST', '/keepalive/force', {}), 'connections', target),
    startLogin: async (connection) =>
      shaped(await call<StartedLogin>('POST', '/api/request-token', { connection }), 'authorizeUrl', target),
    finishLogin: async (flowId, pin) =>
      shaped(await call<FinishedLogin>('POST', '/api/exchange-pin', { flowId, pin }), 'generation', target),
    loginLink: async () => {
      // Deliberately unauthenticated on the server: the link goes to the chat, never to the caller.
      const answer = await call<{ sent?: unknown }>('POST', '/login-link', {}, false);
      const message =
        typeof answer.sent === 'string' ? answer.sent : 'A sign-in link is on its way to the chat.';
      return { delivery: 'chat', message };
    },
    close: async () => undefined,
  };
}

/** The key from --api-key-file (preferred) or ETRADE_OAUTH_API_KEY; never from an argument (shell history). */
export async function readApiKey(file: string | undefined, io: CliIo): Promise<string | undefined> {
  if (file === undefined) return io.env.ETRADE_OAUTH_API_KEY?.trim() || undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError('ERR_API_KEY_MISSING', `Cannot read the API key file ${file} (${code})`);
  }
  const key = text.trim();
  if (!key) throw new CliError('ERR_API_KEY_MISSING', `The API key file ${file} is empty`);
  if (((await stat(file)).mode & 0o077) !== 0) {
    io.stderr.write(`warning: ${file} is readable by other users; chmod 600 ${file}\n`);
  }
  return key;
}

function checkBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError('ERR_BAD_URL', `--url / ETRADE_OAUTH_URL must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError('ERR_BAD_URL', `--url / ETRADE_OAUTH_URL must be http(s), got ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new CliError(
      'ERR_BAD_URL',
      '--url / ETRADE_OAUTH_URL must not carry credentials, a query or a fragment',
    );
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new CliError(
      'ERR_BAD_URL',
      `Refusing to send the API key over plain http to ${url.host}: use https (http is for 127.0.0.1 only)`,
    );
  }
  return url;
}

async function readAnswer<T>(response: Response, target: string): Promise<T> {
  const text = await response.text();
  let body: unknown;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (response.ok && isObject(body)) return body as T;
  const error = isObject(body) ? body.error : undefined;
  if (
    !response.ok &&
    isObject(error) &&
    typeof error.code === 'string' &&
    typeof error.message === 'string'
  ) {
    throw new ApiError(
      error.code,
      error.message,
      response.status,
      isObject(error.details) ? error.details : {},
    );
  }
  if (response.status >= 500) {
    throw new CliError('ERR_UNREACHABLE', `${target} is unavailable (HTTP ${response.status})`);
  }
  throw new CliError(
    'ERR_NOT_ETRADE_OAUTH',
    `${target} did not answer like etrade-oauth (HTTP ${response.status})`,
  );
}

/** A 200 without the field every answer of that route has: not our API (a proxy page, a wrong path). */
function shaped<T>(body: T, field: string, target: string): T {
  if (!isObject(body) || !(field in body)) {
    throw new CliError('ERR_NOT_ETRADE_OAUTH', `${target} did not answer like etrade-oauth (no "${field}")`);
  }
  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function networkCode(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `timeout after ${REMOTE_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
