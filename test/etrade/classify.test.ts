import { classifyAnswer, classifyNetworkFailure } from '../../shared/etrade/classify';
import { EtradeErrorCode } from '../../shared/etrade/errors';

const htmlPage = (problem: string) =>
  `<html><head><title>Error</title></head><body><p>oauth_problem=${problem}</p></body></html>`;
const jsonError = (problem: string) =>
  JSON.stringify({ Error: { code: 1002, message: `oauth_problem=${problem}` } });

describe('every E*TRADE error form becomes a typed error', () => {
  const table: [string, number, string, EtradeErrorCode][] = [
    ['HTML 401 token_expired', 401, htmlPage('token_expired'), 'ERR_TOKEN_EXPIRED'],
    ['HTML 401 token_rejected', 401, htmlPage('token_rejected'), 'ERR_TOKEN_REJECTED'],
    ['HTML 401 signature_invalid', 401, htmlPage('signature_invalid'), 'ERR_SIGNATURE'],
    ['HTML 401 consumer_key_rejected', 401, htmlPage('consumer_key_rejected'), 'ERR_CONSUMER_KEY'],
    ['HTML 401 nonce_used', 401, htmlPage('nonce_used'), 'ERR_SIGNATURE'],
    ['HTML 401 permission_denied (wrong PIN)', 401, htmlPage('permission_denied'), 'ERR_VERIFIER_REJECTED'],
    ['JSON token_expired', 401, jsonError('token_expired'), 'ERR_TOKEN_EXPIRED'],
    ['JSON token_rejected', 401, jsonError('token_rejected'), 'ERR_TOKEN_REJECTED'],
    ['JSON token_inactive (idle)', 401, jsonError('token_inactive'), 'ERR_TOKEN_IDLE'],
    [
      'rate limit page',
      400,
      '<html>Number of requests exceeded the rate limit set</html>',
      'ERR_RATE_LIMITED',
    ],
    ['HTTP 429', 429, '', 'ERR_RATE_LIMITED'],
    ['HTTP 500', 500, '<html>Internal Server Error</html>', 'ERR_TRANSIENT'],
    ['HTTP 503', 503, '', 'ERR_TRANSIENT'],
    ['unnamed problem', 401, htmlPage('something_new'), 'ERR_UNKNOWN'],
    ['HTTP 404', 404, 'Not Found', 'ERR_UNKNOWN'],
  ];

  it.each(table)('%s', (_name, status, body, code) => {
    const error = classifyAnswer('accounts_list', { status, body });
    expect({ code: error.code, retryable: error.retryable }).toEqual({
      code,
      retryable: code === 'ERR_TRANSIENT',
    });
    expect(error.operation).toBe('accounts_list');
  });

  it('reads the problem from WWW-Authenticate when the body is empty', () => {
    const error = classifyAnswer('renew_access_token', {
      status: 401,
      body: '',
      wwwAuthenticate: 'OAuth realm="",oauth_problem=token_expired',
    });
    expect({ code: error.code, problem: error.problem }).toEqual({
      code: 'ERR_TOKEN_EXPIRED',
      problem: 'token_expired',
    });
  });

  it("keeps E*TRADE's acceptable timestamp range on timestamp_refused", () => {
    const error = classifyAnswer('request_token', {
      status: 401,
      body: htmlPage('timestamp_refused&oauth_acceptable_timestamps=1764064000-1764064600'),
    });
    expect(error.code).toBe('ERR_CLOCK_SKEW');
    expect(error.acceptableTimestamps).toEqual({ from: 1764064000, to: 1764064600 });
  });

  it('also parses the comma form of the range', () => {
    const error = classifyAnswer('request_token', {
      status: 401,
      body: htmlPage('timestamp_refused,oauth_acceptable_timestamps=100-700'),
    });
    expect(error.acceptableTimestamps).toEqual({ from: 100, to: 700 });
  });

  it('never copies the body into the message (it may echo request data)', () => {
    const error = classifyAnswer('accounts_list', { status: 404, body: 'echo: CANARY-TOKEN-VALUE' });
    expect(error.message).not.toContain('CANARY');
  });
});

describe('failures without an answer', () => {
  it.each([
    ['ECONNABORTED', 'ERR_TRANSIENT'],
    ['ECONNRESET', 'ERR_TRANSIENT'],
    ['ETIMEDOUT', 'ERR_TRANSIENT'],
    ['ECONNREFUSED', 'ERR_TRANSIENT'],
    ['ERR_INVALID_URL', 'ERR_UNKNOWN'],
    [undefined, 'ERR_UNKNOWN'],
  ] as const)('%s → %s', (networkCode, code) => {
    expect(classifyNetworkFailure('balance', networkCode).code).toBe(code);
  });
});
