import { validateHeaderName, validateHeaderValue } from 'node:http';

/** What a route's handler returns; the router turns it into the response. */
export interface Reply {
  /** Defaults: 303 with `redirect`, 204 without `body`, else 200. */
  readonly status?: number;
  /** Always sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Set-Cookie values, one per cookie. */
  readonly cookies?: readonly string[];
  /**
   * A path on this site (`/…`), an https URL, or an http URL to a loopback host (the local system's
   * simulator); anything else is a bug and answers 500.
   */
  readonly redirect?: string;
}

/** A reply checked and serialised, so sending it cannot throw halfway through the headers. */
export interface Outgoing {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly json?: string;
  /** The error code, for the log line; undefined on success. */
  readonly code?: string;
}

/** Throws a plain Error (→ 500) on a malformed reply: that is a bug in the handler, not the client. */
export function serialiseReply(reply: Reply): Outgoing {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    headers[name] = value;
  }
  const cookies = [...(reply.cookies ?? [])];
  for (const cookie of cookies) validateHeaderValue('Set-Cookie', cookie);
  if (reply.redirect !== undefined) {
    if (!isSafeRedirect(reply.redirect)) throw new Error('Reply redirect must be a local path or https URL');
    validateHeaderValue('Location', reply.redirect);
    headers['Location'] = reply.redirect;
  }
  const status = reply.status ?? (reply.redirect !== undefined ? 303 : reply.body === undefined ? 204 : 200);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new Error(`Reply status ${status} is not a final HTTP status`);
  }
  // JSON.stringify returns undefined for a bare function or symbol; cycles and BigInt throw.
  const json = reply.body === undefined ? undefined : JSON.stringify(reply.body);
  if (reply.body !== undefined && json === undefined) throw new Error('Reply body is not JSON');
  return { status, headers, cookies, json };
}

/** `//host` and `/\host` are read by browsers as another site: an open redirect. */
function isSafeRedirect(target: string): boolean {
  if (/^\/(?![/\\])/.test(target)) return true;
  try {
    const url = new URL(target);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  } catch {
    return false;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
