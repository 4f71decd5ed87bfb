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

describe('a 401 at access_token is a PIN E*TRADE did not take, unless it names another cause', () => {
  /** Tomcat's error report, as E*TRADE sends it (pyetrade#52). */
  const tomcat = (problem: string) =>
    '<!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title></head><body>' +
    '<h1>HTTP Status 401 – Unauthorized</h1><hr class="line" /><p><b>Type</b> Status Report</p>' +
    `<p><b>Message</b> oauth_problem=${problem}</p><p><b>Description</b> The request has not been ` +
    'applied because it lacks valid authentication credentials for the target resource.</p></body></html>';
  /** The older Tomcat report, as quoted in pyetrade#5. */
  const oldTomcat = (problem: string) =>
    `<html><head><title> - Error report</title></head><body><h1>HTTP Status 401 - oauth_problem=${problem}</h1>` +
    `<p><b>message</b> <u>oauth_problem=${problem}</u></p></body></html>`;

  it.each([
    ['token_rejected in a Tomcat page (E*TRADE)', { status: 401, body: tomcat('token_rejected') }],
    ['token_rejected in the older Tomcat page', { status: 401, body: oldTomcat('token_rejected') }],
    ['verifier_invalid', { status: 401, body: tomcat('verifier_invalid') }],
    ['permission_denied', { status: 401, body: htmlPage('permission_denied') }],
    ['a problem nobody documented', { status: 401, body: tomcat('something_new') }],
    ['a bare 401: no body, no header', { status: 401, body: '' }],
    ['a 401 with a page that names nothing', { status: 401, body: '<html>Unauthorized</html>' }],
    [
      'token_rejected in WWW-Authenticate only',
      { status: 401, body: '', wwwAuthenticate: 'OAuth oauth_problem=token_rejected' },
    ],
  ])('%s → ERR_VERIFIER_REJECTED', (_name, answer) => {
    const error = classifyAnswer('access_token', answer);
    expect({ code: error.code, retryable: error.retryable, status: error.status }).toEqual({
      code: 'ERR_VERIFIER_REJECTED',
      retryable: false,
      status: 401,
    });
    expect(error.message).toMatch(/^access_token: E\*TRADE did not accept the PIN \((\w+|HTTP 401)\)$/);
  });

  it.each([
    ['signature_invalid', 'ERR_SIGNATURE'],
    ['nonce_used', 'ERR_SIGNATURE'],
    ['consumer_key_rejected', 'ERR_CONSUMER_KEY'],
    ['timestamp_refused,oauth_acceptable_timestamps=100-700', 'ERR_CLOCK_SKEW'],
    ['token_expired', 'ERR_TOKEN_EXPIRED'],
  ] as const)('%s keeps its own code (%s): the PIN is not the cause', (problem, code) => {
    expect(classifyAnswer('access_token', { status: 401, body: tomcat(problem) }).code).toBe(code);
  });

  it('only at access_token, and only on a 401', () => {
    expect(classifyAnswer('renew_access_token', { status: 401, body: tomcat('token_rejected') }).code).toBe(
      'ERR_TOKEN_REJECTED',
    );
    expect(classifyAnswer('accounts_list', { status: 401, body: '' }).code).toBe('ERR_UNKNOWN');
    expect(classifyAnswer('access_token', { status: 400, body: '' }).code).toBe('ERR_UNKNOWN');
    expect(classifyAnswer('access_token', { status: 503, body: '' }).code).toBe('ERR_TRANSIENT');
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
