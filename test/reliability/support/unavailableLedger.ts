import type { TokenLedger } from '../../../shared/ports/tokenLedger';

/**
 * The error the Firestore client gives for a database it cannot reach: gRPC status 14 UNAVAILABLE,
 * with grpc-js's wording. Numeric `code`, `details` and `metadata`, as google-gax errors carry them.
 */
export function grpcUnavailable(): Error {
  const error = new Error(
    '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1',
  );
  return Object.assign(error, { code: 14, details: 'No connection established', metadata: {} });
}

/**
 * A TokenLedger that answers like an unreachable Firestore while `down` is set, and passes every
 * call to the real (emulator-backed) ledger otherwise. A decorator rather than a client on a dead
 * port: the Firestore client retries an unreachable host for 36 s per read through its own stream
 * retries and hangs past 60 s in a transaction even with gax deadlines, too slow for a matrix.
 */
export class UnavailableLedger {
  down = false;
  /** Ledger methods called while down: shows what the use case tried. */
  readonly refused: string[] = [];
  readonly ledger: TokenLedger;

  constructor(readonly inner: TokenLedger) {
    this.ledger = new Proxy(inner, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (this.down) {
            this.refused.push(String(property));
            throw grpcUnavailable();
          }
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
  }
}
