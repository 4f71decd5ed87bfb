/**
 * Failures of the system's own use cases (as opposed to E*TRADE's, in etrade/errors.ts). The HTTP
 * layer maps every code to a status and a message in one place.
 */
export const APP_ERROR_CODES = [
  'ERR_BAD_REQUEST', // malformed input; the message names the field
  'ERR_UNAUTHENTICATED', // no valid session or API key
  'ERR_CSRF', // a session without the matching CSRF token
  'ERR_LOGIN_LINK_INVALID', // forged, expired or already used login link
  'ERR_NOT_FOUND',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_UNKNOWN_CONNECTION',
  'ERR_FLOW_NOT_FOUND', // also another session's flow: a stranger learns nothing
  'ERR_FLOW_EXPIRED', // the 5-minute request token is gone: start again
  'ERR_FLOW_EXHAUSTED', // too many PIN attempts on this flow
  'ERR_VERIFIER_REJECTED', // E*TRADE did not take the PIN; details.attemptsLeft: tries this flow has left
  'ERR_CONSUMER_MISSING', // the connection's consumer key/secret is not configured
  'ERR_STORE_UNAVAILABLE', // Firestore / Secret Manager / Pub/Sub failed
  'ERR_SUPERSEDED', // a newer token was stored meanwhile; this one was not recorded
  'ERR_NOTICE_UNDELIVERED', // a notice that must not be lost reached no channel; nothing was marked sent
  'ERR_RENEW_LINK_INVALID', // a chat's renew button: forged, expired, for another chat or already used
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Safe-to-show facts (never secrets), e.g. the failed step of a PIN exchange. */
    readonly details: Readonly<Record<string, string | number | boolean>> = {},
  ) {
    super(message);
  }
}

export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
