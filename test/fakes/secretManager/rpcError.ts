import type { status } from '@grpc/grpc-js';

/** A gRPC status the fake answers with; the server turns it into the wire error the client sees. */
export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

// Numeric values of the gRPC codes used here (grpc.status is a runtime enum of whichever grpc-js copy is
// loaded; these numbers are fixed by the gRPC spec, so the store needs no grpc import at all).
export const Code = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
} as const satisfies Record<string, status>;

/** For requests that use a feature the fake does not model: failing loudly beats pretending. */
export function unsupported(what: string): RpcError {
  return new RpcError(Code.UNIMPLEMENTED, `fake Secret Manager does not support ${what}`);
}
