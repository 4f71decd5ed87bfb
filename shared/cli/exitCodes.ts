import { APP_ERROR_CODES, type AppErrorCode, isAppError } from '../app/errors';
import { TRADING_CLIENT_ERROR_CODES, type TradingClientErrorCode } from '../client/errors';
import { ConfigError } from '../config';
import { ETRADE_ERROR_CODES, type EtradeErrorCode, isEtradeError } from '../etrade/errors';
import { ETRADE_ERROR_RESPONSES } from '../http/errorMapping';
import { KEEP_ALIVE_ERROR_CODES, type KeepAliveErrorCode } from '../keepalive';
import { SECRET_VAULT_ERROR_CODES, SecretVaultError, type SecretVaultErrorCode } from '../ports/secretVault';
import { ApiError, CLI_ERROR_CODES, CliError, type CliErrorCode } from './errors';

/** What a script can rely on. */
export const EXIT_CODES = {
  ok: 0,
  /** E*TRADE said no (wrong PIN, dead token, rate limit aside), or a business rule did. */
  failed: 1,
  usage: 2,
  /** Authentication or configuration: API key, URL, consumer key, environment. */
  config: 3,
  /** Network or service unavailable: trying again later may work. */
  unavailable: 4,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

type KnownCode =
  | AppErrorCode
  | EtradeErrorCode
  | CliErrorCode
  | TradingClientErrorCode
  | SecretVaultErrorCode
  | KeepAliveErrorCode
  | 'ERR_CONFIG'
  | 'ERR_INTERNAL';

const { failed, usage, config, unavailable } = EXIT_CODES;

/** Every code this project defines, decided once: adding a code without an exit code does not compile. */
const EXIT_BY_CODE: Readonly<Record<KnownCode, ExitCode>> = {
  ERR_USAGE: usage,
  ERR_BAD_REQUEST: usage,
  ERR_UNKNOWN_CONNECTION: usage,
  ERR_NEEDS_LOCAL: usage,
  ERR_NO_PIN: usage,

  ERR_CONFIG: config,
  ERR_BAD_URL: config,
  ERR_API_KEY_MISSING: config,
  ERR_UNAUTHENTICATED: config,
  ERR_CSRF: config,
  ERR_LOGIN_LINK_INVALID: config,
  ERR_RENEW_LINK_INVALID: config,
  ERR_NOT_ETRADE_OAUTH: config,
  ERR_NOT_FOUND: config, // this API has no such route: wrong URL, or an older deployment
  ERR_METHOD_NOT_ALLOWED: config,
  ERR_UNSUPPORTED_MEDIA_TYPE: config,
  ERR_PAYLOAD_TOO_LARGE: config,
  ERR_CONSUMER_MISSING: config,
  ERR_CONSUMER_KEY: config, // E*TRADE refused the consumer key (lapsed after ~2 years?)
  ERR_SIGNATURE: config, // E*TRADE refused our signature: the consumer secret is wrong

  ERR_UNREACHABLE: unavailable,
  ERR_STORE_UNAVAILABLE: unavailable,
  ERR_NOTICE_UNDELIVERED: unavailable,
  ERR_TRANSIENT: unavailable,
  ERR_RATE_LIMITED: unavailable,
  ERR_CLOCK_SKEW: unavailable,
  ERR_INTERNAL: unavailable,
  ERR_UNEXPECTED_RESPONSE: unavailable,

  ERR_TOKEN_EXPIRED: failed,
  ERR_TOKEN_IDLE: failed,
  ERR_TOKEN_REJECTED: failed,
  ERR_VERIFIER_REJECTED: failed,
  ERR_INVALID_VERIFIER: failed,
  ERR_UNKNOWN: failed,
  ERR_FLOW_NOT_FOUND: failed,
  ERR_FLOW_EXPIRED: failed,
  ERR_FLOW_EXHAUSTED: failed,
  ERR_SUPERSEDED: failed,
  ERR_NO_TOKEN: failed,
  ERR_TOKEN_UNREADABLE: failed,
  ERR_TOKEN_MISSING: failed,
  ERR_SECRET_CORRUPT: failed,
  ERR_KEEP_VERSION_NOT_ENABLED: failed,
  ERR_KEEPALIVE_FAILED: failed,
};

const KNOWN: ReadonlySet<string> = new Set([
  ...APP_ERROR_CODES,
  ...ETRADE_ERROR_CODES,
  ...CLI_ERROR_CODES,
  ...TRADING_CLIENT_ERROR_CODES,
  ...SECRET_VAULT_ERROR_CODES,
  ...KEEP_ALIVE_ERROR_CODES,
  'ERR_CONFIG',
  'ERR_INTERNAL',
]);

export interface Failure {
  readonly code: string;
  readonly message: string;
  readonly exitCode: ExitCode;
}

/**
 * What to tell the person (or script) about anything thrown. Messages are our own words or the API's
 * (written for the trader); an unexpected error shows its class and system code, never its message,
 * which may quote a file or an answer holding a secret.
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError || error instanceof ConfigError || error instanceof SecretVaultError) {
    return failure(error.code, error.message);
  }
  if (error instanceof ApiError) return failure(error.code, error.message, error.status);
  // The table's words for E*TRADE: "E*TRADE did not accept that PIN…", not "access_token: …".
  if (isEtradeError(error)) return failure(error.code, ETRADE_ERROR_RESPONSES[error.code].message);
  if (isAppError(error)) return failure(error.code, error.message);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && KNOWN.has(code)) return failure(code, (error as Error).message);
  return failure('ERR_INTERNAL', unexpected(error), undefined, failed);
}

function failure(code: string, message: string, status?: number, fallback?: ExitCode): Failure {
  return { code, message, exitCode: exitCodeFor(code, status, fallback) };
}

export function exitCodeFor(code: string, httpStatus?: number, fallback?: ExitCode): ExitCode {
  if (fallback !== undefined) return fallback;
  if (KNOWN.has(code)) return EXIT_BY_CODE[code as KnownCode];
  if (httpStatus === 401 || httpStatus === 403) return config;
  if (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429)) return unavailable;
  return failed;
}

function unexpected(error: unknown): string {
  if (!(error instanceof Error)) return `Unexpected failure (${typeof error})`;
  const system = error as NodeJS.ErrnoException;
  const where = [system.code, system.syscall, system.path].filter(Boolean).join(' ');
  return `Unexpected ${error.name}${where ? ` (${where})` : ''}`;
}
