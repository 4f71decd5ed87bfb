/**
 * Every way an E*TRADE call can fail, as one closed set of codes. Callers `switch (err.code)`;
 * `retryable` says whether trying the same call again can help.
 */
export const ETRADE_ERROR_CODES = [
  'ERR_TOKEN_EXPIRED', // past midnight ET or otherwise dead: a human must log in again
  'ERR_TOKEN_IDLE', // inactive after 2 h without calls: renew_access_token revives it
  'ERR_TOKEN_REJECTED', // unknown, revoked or already used token
  'ERR_VERIFIER_REJECTED', // the PIN did not match the request token
  'ERR_INVALID_VERIFIER', // the PIN is malformed; caught before any network call
  'ERR_SIGNATURE', // signature, signature method or nonce refused: a bug or a wrong secret
  'ERR_CLOCK_SKEW', // our timestamp is outside E*TRADE's window
  'ERR_RATE_LIMITED',
  'ERR_CONSUMER_KEY', // consumer key unknown or lapsed (they silently expire after ~2 years)
  'ERR_TRANSIENT', // 5xx, timeout, connection reset: worth retrying with backoff
  'ERR_UNKNOWN',
] as const;
export type EtradeErrorCode = (typeof ETRADE_ERROR_CODES)[number];

export interface AcceptableTimestamps {
  /** Epoch seconds, inclusive, as E*TRADE reports them. */
  readonly from: number;
  readonly to: number;
}

export interface EtradeErrorDetails {
  readonly operation: string;
  readonly status?: number;
  /** E*TRADE's `oauth_problem`, when it named one. */
  readonly problem?: string;
  readonly acceptableTimestamps?: AcceptableTimestamps;
  /** Node's network error code (ECONNRESET, ECONNABORTED…), when there was no response. */
  readonly networkCode?: string;
}

/**
 * Carries no request, response or underlying axios error: those hold the Authorization header
 * (with the token) and could leak it into a log line.
 */
export class EtradeError extends Error {
  override readonly name = 'EtradeError';
  readonly operation: string;
  readonly status?: number;
  readonly problem?: string;
  readonly acceptableTimestamps?: AcceptableTimestamps;
  readonly networkCode?: string;

  constructor(
    readonly code: EtradeErrorCode,
    message: string,
    details: EtradeErrorDetails,
  ) {
    super(message);
    this.operation = details.operation;
    this.status = details.status;
    this.problem = details.problem;
    this.acceptableTimestamps = details.acceptableTimestamps;
    this.networkCode = details.networkCode;
  }

  get retryable(): boolean {
    return this.code === 'ERR_TRANSIENT';
  }
}

export function isEtradeError(error: unknown, code?: EtradeErrorCode): error is EtradeError {
  return error instanceof EtradeError && (code === undefined || error.code === code);
}
