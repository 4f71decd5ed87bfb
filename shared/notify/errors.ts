/**
 * Why a chat channel did not deliver a notice. Channel adapters throw only ChannelError; its message
 * and fields are built from codes and numbers, never from the notice text, a URL or a credential,
 * so an error can be logged as it is. The raw cause is deliberately not kept: transport errors
 * quote request URLs, and the Bot API's URL carries the bot token.
 */
export const CHANNEL_ERROR_CODES = [
  'ERR_CHANNEL_NOT_CONFIGURED', // the channel's credential secret is missing or malformed
  'ERR_CHANNEL_SECRET_UNAVAILABLE', // the credential secret could not be read (Secret Manager failed)
  'ERR_CHANNEL_REJECTED', // the service answered with an error (bad request, unknown chat, revoked token)
  'ERR_CHANNEL_RATE_LIMITED', // 429: the service asked us to slow down
  'ERR_CHANNEL_UNAVAILABLE', // 5xx from the service
  'ERR_CHANNEL_TIMEOUT', // no answer in time: the request was abandoned
  'ERR_CHANNEL_UNREACHABLE', // connection refused, reset, DNS
] as const;
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

export class ChannelError extends Error {
  override readonly name = 'ChannelError';

  constructor(
    readonly code: ChannelErrorCode,
    /** `telegram`, `slack`: the adapter, not the configured channel name. */
    readonly channel: string,
    readonly details: {
      /** HTTP status or the Bot API's `error_code`. */
      readonly status?: number;
      /** A system error code (`ECONNRESET`) or error class name; never a message. */
      readonly reason?: string;
    } = {},
  ) {
    super(
      `${channel}: ${code}${details.status !== undefined ? ` (${details.status})` : ''}${
        details.reason ? ` ${details.reason}` : ''
      }`,
    );
  }
}

export function isChannelError(error: unknown): error is ChannelError {
  return error instanceof ChannelError;
}

/** The status code an HTTP answer maps to; 2xx never gets here. */
export function codeForStatus(status: number): ChannelErrorCode {
  if (status === 429) return 'ERR_CHANNEL_RATE_LIMITED';
  if (status >= 500) return 'ERR_CHANNEL_UNAVAILABLE';
  return 'ERR_CHANNEL_REJECTED';
}

/**
 * A transport failure (fetch / node-fetch) as a ChannelError: a timeout or abort, else unreachable,
 * with the system error code when there is one (`ECONNRESET`, `ECONNREFUSED`, `UND_ERR_SOCKET`).
 */
export function transportError(channel: string, error: unknown, timedOut: boolean): ChannelError {
  if (timedOut || isAbort(error)) return new ChannelError('ERR_CHANNEL_TIMEOUT', channel);
  return new ChannelError('ERR_CHANNEL_UNREACHABLE', channel, { reason: systemCode(error) });
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** Only a short upper-case identifier is kept; anything else becomes the error's class name. */
function systemCode(error: unknown): string | undefined {
  for (let at: unknown = error, depth = 0; at && depth < 3; depth += 1) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    at = (at as { cause?: unknown }).cause;
  }
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : undefined;
}
