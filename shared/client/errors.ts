/**
 * Failures the trading client detects itself. E*TRADE's answers arrive as EtradeError (etrade/errors.ts)
 * and store failures as the adapters' own errors, unchanged.
 */
export const TRADING_CLIENT_ERROR_CODES = [
  'ERR_NO_TOKEN', // the ledger records no token for the connection: a human must log in (PIN flow)
  'ERR_TOKEN_UNREADABLE', // the vault version the ledger names is gone (disabled or destroyed)
] as const;
export type TradingClientErrorCode = (typeof TRADING_CLIENT_ERROR_CODES)[number];

/** Names the connection and version, never token material. */
export class TradingClientError extends Error {
  override readonly name = 'TradingClientError';

  constructor(
    readonly code: TradingClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isTradingClientError(
  error: unknown,
  code?: TradingClientErrorCode,
): error is TradingClientError {
  return error instanceof TradingClientError && (code === undefined || error.code === code);
}
