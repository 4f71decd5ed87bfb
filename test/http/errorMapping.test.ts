import { AppError, APP_ERROR_CODES } from '../../shared/app/errors';
import { EtradeError, ETRADE_ERROR_CODES } from '../../shared/etrade/errors';
import {
  APP_ERROR_RESPONSES,
  ETRADE_ERROR_RESPONSES,
  httpHandler,
  toErrorResponse,
  type ClientError,
} from '../../shared/http';
import { sampleRoutes } from './sampleRoutes';
import { captureLog, serve, type Served } from './server';

const captured = captureLog();
let served: Served;

beforeAll(async () => {
  served = await serve('errorMappingTest', httpHandler(sampleRoutes, { log: captured.log }));
});
afterAll(() => served.close());
beforeEach(() => captured.lines.splice(0));

const everyCode: [string, ClientError][] = [
  ...APP_ERROR_CODES.map((code): [string, ClientError] => [code, APP_ERROR_RESPONSES[code]]),
  ...ETRADE_ERROR_CODES.map((code): [string, ClientError] => [code, ETRADE_ERROR_RESPONSES[code]]),
];

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe('every error code over HTTP', () => {
  it.each(everyCode)('%s → its table status and words', async (code, expected) => {
    const response = await fetch(`${served.baseUrl}/throw?code=${code}`);
    const text = await response.text();
    const { error } = JSON.parse(text) as ErrorBody;
    expect(response.status).toBe(expected.status);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(600);
    expect(error.code).toBe(code);
    expect(error.message.trim().length).toBeGreaterThan(0);
    expect(response.headers.get('retry-after')).toBe(
      expected.retryAfterSeconds === undefined ? null : String(expected.retryAfterSeconds),
    );
    // ERR_BAD_REQUEST alone shows the thrown message: by contract it is written for the caller.
    if (code === 'ERR_BAD_REQUEST') expect(error.message).toBe('internal words CANARY');
    else expect(text).not.toMatch(/CANARY/);
    expect(captured.entries()).toEqual([expect.objectContaining({ status: expected.status, code })]);
  });

  it('answers an unexpected error 500 without its message in the body or the log', async () => {
    const response = await fetch(`${served.baseUrl}/throw`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal error' } });
    expect(text).not.toMatch(/CANARY|secret/);
    expect(captured.lines.join('\n')).not.toMatch(/CANARY|secret/);
    // Enough to find the bug: the class and the throwing line.
    expect(captured.entries()).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        status: 500,
        code: 'ERR_INTERNAL',
        errorName: 'Error',
        errorAt: expect.stringMatching(/sampleRoutes/),
      }),
    ]);
  });
});

describe('toErrorResponse', () => {
  it('passes AppError details through, primitives only', () => {
    const details = { step: 'exchange', attemptsLeft: 2, final: false, nested: { token: 'x' } };
    const error = new AppError('ERR_FLOW_EXPIRED', 'flow f-1 expired', details as never);
    expect(toErrorResponse(error)).toEqual({
      status: 410,
      body: {
        error: {
          code: 'ERR_FLOW_EXPIRED',
          message: 'The 5-minute login window closed. Start again.',
          details: { step: 'exchange', attemptsLeft: 2, final: false },
        },
      },
    });
  });

  it('gives an EtradeError only its operation, never E*TRADE status or problem', () => {
    const error = new EtradeError('ERR_VERIFIER_REJECTED', 'oauth_problem=x', {
      operation: 'access_token',
      status: 401,
      problem: 'token_rejected',
    });
    expect(toErrorResponse(error).body.error).toEqual({
      code: 'ERR_VERIFIER_REJECTED',
      message: 'E*TRADE did not accept that PIN. Check it and try again.',
      details: { operation: 'access_token' },
    });
  });

  it.each([
    ['a plain Error', new Error('Firestore said token=abc')],
    ['a string', 'token=abc'],
    ['undefined', undefined],
    ['an impostor with a known code', { code: 'ERR_FLOW_EXPIRED', message: 'token=abc' }],
    ['an AppError with a code forced past the types', new AppError('ERR_NEW' as never, 'token=abc')],
  ])('maps %s to a bare 500', (_name, thrown) => {
    expect(toErrorResponse(thrown)).toEqual({
      status: 500,
      body: { error: { code: 'ERR_INTERNAL', message: 'Internal error' } },
    });
  });
});
