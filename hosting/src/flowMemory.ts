import type { StartedFlow } from './types';

/** An open PIN flow and the label of its connection. */
export interface OpenFlow extends StartedFlow {
  readonly label: string;
}

/**
 * Phones drop background tabs: while the trader is in E*TRADE's tab, this one may be reloaded. The
 * open flow (an id bound to this session, no secret) is kept in sessionStorage so the PIN field
 * comes back instead of a fresh start.
 */
const KEY = 'etrade-oauth.openFlow';

export function rememberFlow(flow: OpenFlow): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(flow));
  } catch {
    // Private mode or storage full: the flow still works in this tab.
  }
}

export function recallFlow(): OpenFlow | undefined {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return isOpenFlow(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function forgetFlow(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

function isOpenFlow(value: unknown): value is OpenFlow {
  if (typeof value !== 'object' || value === null) return false;
  const flow = value as Record<string, unknown>;
  return ['flowId', 'connectionId', 'authorizeUrl', 'expiresAt', 'label'].every(
    (field) => typeof flow[field] === 'string',
  );
}
