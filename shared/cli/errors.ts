/** Failures the command line itself detects; the others keep their own codes (app, E*TRADE, stores). */
export const CLI_ERROR_CODES = [
  'ERR_USAGE', // unknown command or option, missing or extra argument, bad value
  'ERR_NO_PIN', // standard input ended before a PIN was typed
  'ERR_NEEDS_LOCAL', // the command reads the token itself, which the API never hands out
  'ERR_API_KEY_MISSING', // remote mode without ETRADE_OAUTH_API_KEY or --api-key-file
  'ERR_BAD_URL', // --url / ETRADE_OAUTH_URL is not a usable base URL
  'ERR_UNREACHABLE', // no answer from the API (refused, reset, timeout, DNS)
  'ERR_NOT_ETRADE_OAUTH', // something answered, but not like this project's API
  'ERR_KEEPALIVE_FAILED', // a forced keep-alive run failed for at least one connection
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An error answer of the HTTP API, as its JSON body states it (`{error: {code, message}}`). The
 * message is the server's, written for the trader (http/errorMapping.ts): never internals.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** The answer's safe facts (`error.details`), e.g. `attemptsLeft` after a wrong PIN. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
