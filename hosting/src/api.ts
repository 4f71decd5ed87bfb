// Same-origin JSON calls. Failures become ApiError carrying the server's words, never raw JSON.

/** The session's CSRF token travels in this header on every POST (shared/auth/csrf.ts). */
const CSRF_HEADER = 'X-CSRF-Token';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server was not reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** The answer's safe facts, e.g. `attemptsLeft` after a code E*TRADE did not accept. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

const UNREACHABLE = 'Could not reach the server. Check your connection and try again.';

export async function getJson<T>(path: string): Promise<T> {
  return call<T>(path, { method: 'GET', headers: { Accept: 'application/json' } });
}

export async function postJson<T>(path: string, body: unknown, csrfToken?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (csrfToken) headers[CSRF_HEADER] = csrfToken;
  return call<T>(path, { method: 'POST', headers, body: JSON.stringify(body) });
}

async function call<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'ERR_NETWORK', UNREACHABLE);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as T;
  throw errorFrom(response.status, body);
}

function errorFrom(status: number, body: unknown): ApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const code = typeof error.code === 'string' ? error.code : `HTTP_${status}`;
  const message =
    typeof error.message === 'string' && error.message.trim() !== ''
      ? error.message
      : status >= 500
        ? 'The server had a problem. Try again in a minute.'
        : `The server refused the request (HTTP ${status}).`;
  return new ApiError(status, code, message, isRecord(error.details) ? error.details : {});
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong on this page. Reload it.';
}
