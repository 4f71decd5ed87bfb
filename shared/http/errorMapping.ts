import { AppError, type AppErrorCode } from '../app/errors';
import { EtradeError, type EtradeErrorCode } from '../etrade/errors';

/**
 * The one place that decides what a client is told for each error code. Both tables are `Record`s
 * over the closed code unions, so adding a code without deciding its status does not compile.
 */
export interface ClientError {
  readonly status: number;
  /** Written for the trader on a phone: what happened and what to do, never internals. */
  readonly message: string;
  /** Sent as `Retry-After` (seconds) only where waiting is the remedy. */
  readonly retryAfterSeconds?: number;
}

export type ErrorDetails = Record<string, string | number | boolean>;

export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string; details?: ErrorDetails } };
  headers?: Record<string, string>;
}

export const APP_ERROR_RESPONSES: Readonly<Record<AppErrorCode, ClientError>> = {
  // The AppError's own message is shown instead: by contract it names the field (see below).
  ERR_BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  ERR_UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  ERR_CSRF: { status: 403, message: 'This page is out of date. Reload it and try again.' },
  ERR_LOGIN_LINK_INVALID: {
    status: 401,
    message: 'This login link is invalid, expired or already used. Ask for a new one.',
  },
  ERR_NOT_FOUND: { status: 404, message: 'Not found.' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as JSON (application/json).' },
  ERR_UNKNOWN_CONNECTION: { status: 404, message: 'There is no connection with that name.' },
  ERR_FLOW_NOT_FOUND: { status: 404, message: 'This login was not found. Start again.' },
  ERR_FLOW_EXPIRED: { status: 410, message: 'The 5-minute login window closed. Start again.' },
  // No Retry-After: waiting does not reopen an exhausted flow, only a new login does.
  ERR_FLOW_EXHAUSTED: { status: 429, message: 'Too many wrong PINs for this login. Start again.' },
  // The PIN flow's verdict on a wrong PIN, with details.attemptsLeft (pinflow/exchangePin.ts): 422,
  // the body was well-formed and E*TRADE judged the PIN; the login stays open while tries are left.
  ERR_VERIFIER_REJECTED: { status: 422, message: 'E*TRADE did not accept that PIN. Check it and try again.' },
  ERR_CONSUMER_MISSING: {
    status: 500,
    message:
      'This connection has no consumer key yet. Store its key and secret first (infra/bootstrap-secrets.sh); trying again cannot help.',
  },
  ERR_STORE_UNAVAILABLE: {
    status: 503,
    message: 'Storage is unavailable right now. Try again shortly.',
    retryAfterSeconds: 10,
  },
  ERR_SUPERSEDED: {
    status: 409,
    message:
      'A newer token was saved meanwhile; this one was not kept. Nothing to do: the newer one is current.',
  },
  // 503: the chat services are the dependency that failed, and trying again later is the remedy.
  ERR_NOTICE_UNDELIVERED: {
    status: 503,
    message: 'The reminder could not reach any chat right now. Try again shortly.',
    retryAfterSeconds: 30,
  },
  ERR_RENEW_LINK_INVALID: {
    status: 401,
    message: 'This button is invalid, expired or already used. Send /renew in the chat for a new one.',
  },
};

/**
 * Token-state answers (expired, idle, rejected) are 409, not 502: E*TRADE answered clearly about the
 * state of the login and the remedy is the trader's (log in again), not a retry; a 5xx would page
 * the operator every midnight when tokens die. 502 is kept for answers only the operator can fix
 * (signature, consumer key, clock) or cannot interpret; 503/429 carry Retry-After because waiting
 * is the remedy.
 */
export const ETRADE_ERROR_RESPONSES: Readonly<Record<EtradeErrorCode, ClientError>> = {
  ERR_TOKEN_EXPIRED: {
    status: 409,
    message: 'E*TRADE ended this login (tokens end at midnight US Eastern). Log in again.',
  },
  ERR_TOKEN_IDLE: {
    status: 409,
    message: 'E*TRADE paused this login after 2 hours without use. Renew it or log in again.',
  },
  ERR_TOKEN_REJECTED: { status: 409, message: 'E*TRADE no longer accepts this login. Log in again.' },
  // 422: the body was well-formed; E*TRADE judged the PIN wrong.
  ERR_VERIFIER_REJECTED: { status: 422, message: 'E*TRADE did not accept that PIN. Check it and try again.' },
  ERR_INVALID_VERIFIER: {
    status: 400,
    message: 'A PIN is 5 letters or digits, e.g. H92GX. Check it and try again.',
  },
  ERR_SIGNATURE: {
    status: 502,
    message:
      'E*TRADE refused our signed request. Check the consumer key and secret stored for this connection; trying again cannot help.',
  },
  ERR_CLOCK_SKEW: {
    status: 502,
    message:
      "E*TRADE refused our server's clock. Try again in a few minutes; if it persists, check the server's time.",
  },
  ERR_RATE_LIMITED: {
    status: 429,
    message: 'E*TRADE is limiting requests. Wait a minute and try again.',
    retryAfterSeconds: 60,
  },
  ERR_CONSUMER_KEY: {
    status: 502,
    message:
      "E*TRADE no longer accepts this connection's consumer key. Request a new key from E*TRADE and store it; logging in again cannot help.",
  },
  ERR_TRANSIENT: {
    status: 503,
    message: 'E*TRADE is not responding right now. Try again shortly.',
    retryAfterSeconds: 10,
  },
  ERR_UNKNOWN: { status: 502, message: 'E*TRADE answered in a way we did not expect. Try again shortly.' },
};

export const INTERNAL_ERROR_CODE = 'ERR_INTERNAL';
const INTERNAL: ClientError = { status: 500, message: 'Internal error' };

/**
 * The words a client is told for a code, for the chat notices that report the same failure (one
 * cause, one wording, wherever it is read); undefined for a code neither table knows.
 */
export function clientMessageFor(code: string): string | undefined {
  if (Object.hasOwn(APP_ERROR_RESPONSES, code)) return APP_ERROR_RESPONSES[code as AppErrorCode].message;
  if (Object.hasOwn(ETRADE_ERROR_RESPONSES, code)) {
    return ETRADE_ERROR_RESPONSES[code as EtradeErrorCode].message;
  }
  return undefined;
}

/**
 * Turns anything thrown into what the client sees. Only the tables' words leave, except for
 * ERR_BAD_REQUEST, whose message is written for the caller and names the field (app/errors.ts);
 * any other error's message may hold internals (a Firestore status, a token), so it never leaves.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  // Each lookup may miss: a code forced past the type system at run time is treated as unknown.
  if (error instanceof AppError && Object.hasOwn(APP_ERROR_RESPONSES, error.code)) {
    const known = APP_ERROR_RESPONSES[error.code];
    const message = error.code === 'ERR_BAD_REQUEST' ? error.message : known.message;
    return build(error.code, known, message, safeDetails(error.details));
  }
  // A Google client (Firestore, Secret Manager, Pub/Sub) that could not reach its service: the same
  // outage a use case reports as ERR_STORE_UNAVAILABLE, whichever step it surfaced at.
  if (isGrpcOutage(error)) {
    const known = APP_ERROR_RESPONSES.ERR_STORE_UNAVAILABLE;
    return build('ERR_STORE_UNAVAILABLE', known, known.message, {});
  }
  if (error instanceof EtradeError && Object.hasOwn(ETRADE_ERROR_RESPONSES, error.code)) {
    const known = ETRADE_ERROR_RESPONSES[error.code];
    // Only the step's name: E*TRADE's status and problem are for the log, not for the page.
    return build(error.code, known, known.message, { operation: error.operation });
  }
  return build(INTERNAL_ERROR_CODE, INTERNAL, INTERNAL.message, {});
}

/** gRPC DEADLINE_EXCEEDED and UNAVAILABLE: the numeric `code` google-gax errors carry. */
const GRPC_OUTAGE_CODES: ReadonlySet<unknown> = new Set([4, 14]);

function isGrpcOutage(error: unknown): boolean {
  return error instanceof Error && GRPC_OUTAGE_CODES.has((error as { code?: unknown }).code);
}

function build(code: string, known: ClientError, message: string, details: ErrorDetails): ErrorResponse {
  const response: ErrorResponse = {
    status: known.status,
    body: { error: Object.keys(details).length > 0 ? { code, message, details } : { code, message } },
  };
  if (known.retryAfterSeconds !== undefined) {
    response.headers = { 'Retry-After': String(known.retryAfterSeconds) };
  }
  return response;
}

/** AppError details are safe by contract; this only keeps a mistaken non-primitive from leaving. */
function safeDetails(details: Readonly<Record<string, unknown>>): ErrorDetails {
  const safe: ErrorDetails = {};
  for (const [name, value] of Object.entries(details)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      safe[name] = value;
    }
  }
  return safe;
}
