import { EtradeError } from './errors';

/** E*TRADE shows a 5-character alphanumeric verifier (PIN), e.g. `H92GX`. */
const VERIFIER = /^[A-Z0-9]{5}$/;

/**
 * Trims and upper-cases a PIN as typed on a phone, and refuses anything that cannot be one, so a
 * typo costs no request token attempt.
 */
export function normaliseVerifier(input: unknown): string {
  const verifier = typeof input === 'string' ? input.trim().toUpperCase() : '';
  if (!VERIFIER.test(verifier)) {
    throw new EtradeError('ERR_INVALID_VERIFIER', 'The PIN must be exactly 5 letters or digits, e.g. H92GX', {
      operation: 'access_token',
    });
  }
  return verifier;
}
