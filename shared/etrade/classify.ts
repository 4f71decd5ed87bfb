import { AcceptableTimestamps, EtradeError, EtradeErrorCode } from './errors';

/** E*TRADE's oauth_problem values (and the simulator's `token_inactive`) mapped to our codes. */
const PROBLEM_CODES: Readonly<Record<string, EtradeErrorCode>> = {
  token_expired: 'ERR_TOKEN_EXPIRED',
  token_inactive: 'ERR_TOKEN_IDLE',
  token_rejected: 'ERR_TOKEN_REJECTED',
  token_revoked: 'ERR_TOKEN_REJECTED',
  token_used: 'ERR_TOKEN_REJECTED',
  permission_denied: 'ERR_VERIFIER_REJECTED',
  verifier_invalid: 'ERR_VERIFIER_REJECTED',
  signature_invalid: 'ERR_SIGNATURE',
  signature_method_rejected: 'ERR_SIGNATURE',
  nonce_used: 'ERR_SIGNATURE',
  timestamp_refused: 'ERR_CLOCK_SKEW',
  consumer_key_rejected: 'ERR_CONSUMER_KEY',
  consumer_key_unknown: 'ERR_CONSUMER_KEY',
  consumer_key_refused: 'ERR_CONSUMER_KEY',
};

const NETWORK_TRANSIENT = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly wwwAuthenticate?: string;
}

/** The step that takes the PIN (client.ts names its calls so). */
export const ACCESS_TOKEN_OPERATION = 'access_token';

/**
 * Causes a 401 at access_token can name that are not the PIN: a wrong consumer secret or key, our
 * clock (corrected and retried by the client), or the 5-minute request token running out.
 */
const NOT_THE_PIN: ReadonlySet<EtradeErrorCode> = new Set([
  'ERR_SIGNATURE',
  'ERR_CLOCK_SKEW',
  'ERR_CONSUMER_KEY',
  'ERR_TOKEN_EXPIRED',
]);

/**
 * Classifies a non-2xx answer. E*TRADE reports OAuth problems as an HTML 401 page (sometimes in
 * WWW-Authenticate) and data-API problems as JSON `{"Error":{"message":"oauth_problem=…"}}`;
 * both forms carry `oauth_problem=…`, so one search covers them.
 *
 * At access_token any other 401 is a PIN E*TRADE did not take: E*TRADE answers a wrong or stale
 * PIN with `token_rejected` (a Tomcat page, pyetrade#5 and #16), OAuth Problem Reporting says
 * `verifier_invalid`, and a server may send a bare 401. The person can try another code; read as a
 * dead token or an unexpected answer, the login would end (and alert the operator) over a typo.
 */
export function classifyAnswer(operation: string, answer: HttpAnswer): EtradeError {
  const failure = classifyProblem(operation, answer);
  if (operation !== ACCESS_TOKEN_OPERATION || answer.status !== 401 || NOT_THE_PIN.has(failure.code)) {
    return failure;
  }
  const why = failure.problem ?? 'HTTP 401';
  return new EtradeError('ERR_VERIFIER_REJECTED', `${operation}: E*TRADE did not accept the PIN (${why})`, {
    operation,
    status: answer.status,
    problem: failure.problem,
  });
}

function classifyProblem(operation: string, answer: HttpAnswer): EtradeError {
  const text = `${answer.wwwAuthenticate ?? ''}\n${answer.body}`;
  const problem = /oauth_problem=([a-z_]+)/i.exec(text)?.[1]?.toLowerCase();
  const { status } = answer;
  if (problem) {
    const code = PROBLEM_CODES[problem] ?? 'ERR_UNKNOWN';
    const acceptableTimestamps = code === 'ERR_CLOCK_SKEW' ? parseAcceptable(text) : undefined;
    return new EtradeError(code, `${operation}: E*TRADE refused the request (${problem})`, {
      operation,
      status,
      problem,
      acceptableTimestamps,
    });
  }
  if (status === 429 || /exceeded the rate limit/i.test(answer.body)) {
    return new EtradeError('ERR_RATE_LIMITED', `${operation}: E*TRADE rate limit exceeded`, {
      operation,
      status,
    });
  }
  if (status >= 500) {
    return new EtradeError('ERR_TRANSIENT', `${operation}: E*TRADE answered HTTP ${status}`, {
      operation,
      status,
    });
  }
  return new EtradeError('ERR_UNKNOWN', `${operation}: unexpected HTTP ${status} from E*TRADE`, {
    operation,
    status,
  });
}

/** Classifies a request that got no answer (timeout, reset, refused). */
export function classifyNetworkFailure(operation: string, networkCode: string | undefined): EtradeError {
  const code = networkCode && NETWORK_TRANSIENT.has(networkCode) ? 'ERR_TRANSIENT' : 'ERR_UNKNOWN';
  return new EtradeError(code, `${operation}: no answer from E*TRADE (${networkCode ?? 'network error'})`, {
    operation,
    networkCode,
  });
}

function parseAcceptable(text: string): AcceptableTimestamps | undefined {
  const match = /oauth_acceptable_timestamps=(\d+)-(\d+)/.exec(text);
  return match ? { from: Number(match[1]), to: Number(match[2]) } : undefined;
}
