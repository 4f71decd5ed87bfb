import { toErrorResponse } from '../../shared/http/errorMapping';
import { grpcUnavailable } from './support/unavailableLedger';

/**
 * Regression: a store outage that reached the HTTP layer as the Google client's own error (Firestore
 * down while status read the ledger, or while requestToken saved its flow) was answered 500
 * ERR_INTERNAL "Internal error", while the same outage one step later in exchangePin was a 503
 * ERR_STORE_UNAVAILABLE with Retry-After. Found by the fault matrix (status × firestore down).
 */
describe('a store outage surfacing as a raw gRPC error', () => {
  it.each([
    ['UNAVAILABLE (14), as Firestore throws it', grpcUnavailable()],
    [
      'DEADLINE_EXCEEDED (4), as Secret Manager throws it after retrying UNAVAILABLE',
      Object.assign(new Error('4 DEADLINE_EXCEEDED: Total timeout of API exceeded'), { code: 4 }),
    ],
  ])('%s is a 503 ERR_STORE_UNAVAILABLE with Retry-After, never the message', (_, error) => {
    expect(toErrorResponse(error)).toEqual({
      status: 503,
      body: {
        error: {
          code: 'ERR_STORE_UNAVAILABLE',
          message: 'Storage is unavailable right now. Try again shortly.',
        },
      },
      headers: { 'Retry-After': '10' },
    });
  });

  it.each([
    ['another gRPC status (NOT_FOUND)', Object.assign(new Error('5 NOT_FOUND'), { code: 5 })],
    ['a plain object that only looks like one', { code: 14, message: '14 UNAVAILABLE' }],
    ['a system error code', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('%s is still an internal error', (_, error) => {
    expect(toErrorResponse(error)).toMatchObject({ status: 500, body: { error: { code: 'ERR_INTERNAL' } } });
  });
});
