/**
 * What one connection's access token can do right now, in the order a caller must care about:
 * - `missing`: never issued; a human must run the PIN flow.
 * - `active`: usable, and keep-alives are succeeding.
 * - `idle`: E*TRADE stops accepting it 2 h after the last call; renew revives it.
 * - `expired`: dead at midnight ET; only a new PIN flow helps.
 * - `revoked`: we revoked it; only a new PIN flow helps.
 * - `failing`: still within its lifetime, but keep-alives keep failing; expect idle next.
 */
export const TOKEN_STATES = ['missing', 'active', 'idle', 'expired', 'revoked', 'failing'] as const;
export type TokenState = (typeof TOKEN_STATES)[number];

export function isTokenState(value: unknown): value is TokenState {
  return typeof value === 'string' && (TOKEN_STATES as readonly string[]).includes(value);
}
