/**
 * Failures the keep-alive itself detects, beside E*TRADE's (etrade/errors.ts) and the app's
 * (app/errors.ts) codes, which it reports unchanged.
 */
export const KEEP_ALIVE_ERROR_CODES = [
  'ERR_TOKEN_MISSING', // the vault version the ledger names is gone (never stored, disabled, destroyed)
] as const;
export type KeepAliveErrorCode = (typeof KEEP_ALIVE_ERROR_CODES)[number];

export class KeepAliveError extends Error {
  override readonly name = 'KeepAliveError';

  constructor(
    readonly code: KeepAliveErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const STABLE_CODE = /^ERR_[A-Z0-9_]+$/;

/**
 * The error's own `ERR_…` code (EtradeError, AppError, adapter errors), else `fallback`. A system
 * code such as `ENOENT` or a gRPC number says where, not what, so it gets the fallback too.
 */
export function stableCode(error: unknown, fallback: string): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && STABLE_CODE.test(code) ? code : fallback;
}
