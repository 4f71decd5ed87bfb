import type { ConnectionStatus, TokenState } from './types';

/**
 * The state as of `nowMs` on the server clock. Between fetches the deadlines the server sent still
 * pass, so a token is shown expired at midnight (and idle at its idle time) without waiting for the
 * next refresh.
 */
export function stateAt(connection: ConnectionStatus, nowMs: number): TokenState {
  const { state } = connection;
  const passed = (iso: string | undefined) => iso !== undefined && Date.parse(iso) <= nowMs;
  const live = state === 'active' || state === 'idle' || state === 'failing';
  if (live && passed(connection.expiresAt)) return 'expired';
  if ((state === 'active' || state === 'failing') && passed(connection.idleAt)) return 'idle';
  return state;
}

export const STATE_WORDS: Readonly<Record<TokenState, { label: string; note: string }>> = {
  missing: { label: 'No token', note: 'Never logged in. Renew to create a token.' },
  active: { label: 'Active', note: 'Working. Keep-alive keeps it active until midnight ET.' },
  idle: {
    label: 'Idle',
    note: 'Unused for 2 hours, so E*TRADE paused it. Keep-alive revives it, or renew.',
  },
  expired: { label: 'Expired', note: 'Tokens end at midnight ET. Renew to log in again.' },
  revoked: { label: 'Revoked', note: 'This token was revoked. Renew to log in again.' },
  failing: {
    label: 'Failing',
    note: 'Keep-alive calls are failing. Renew if it goes idle.',
  },
};

/** The states in which only a new login helps: the renew button becomes the main action. */
export function needsRenewal(state: TokenState): boolean {
  return state === 'missing' || state === 'expired' || state === 'revoked';
}

/** The production connection leads the page; otherwise the first one. */
export function leadConnection(connections: readonly ConnectionStatus[]): ConnectionStatus | undefined {
  return connections.find((c) => c.environment === 'prod') ?? connections[0];
}
