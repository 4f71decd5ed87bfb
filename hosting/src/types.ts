// What the API sends the page (shared/status/statusReport.ts and the route files are the source).
// Declared here, not imported: the page is built on its own and must not pull server code in.
// test/page/apiTypes.check.ts fails the lint if the server's responses stop fitting these.

export type TokenState = 'missing' | 'active' | 'idle' | 'expired' | 'revoked' | 'failing';
export type KeepAliveOutcome = 'skipped' | 'touched' | 'renewed' | 'failed';

export interface KeepAliveStatus {
  readonly lastRunAt?: string;
  readonly lastOutcome?: KeepAliveOutcome;
  readonly lastErrorCode?: string;
  readonly consecutiveFailures: number;
  readonly nextDueAt?: string;
}

export interface ConnectionStatus {
  readonly id: string;
  readonly label: string;
  readonly environment: string;
  readonly state: TokenState;
  readonly generation: number;
  readonly issuedAt?: string;
  readonly lastUsedAt?: string;
  readonly idleAt?: string;
  readonly expiresAt?: string;
  readonly secondsToIdle?: number;
  readonly secondsToExpiry?: number;
  readonly keepAlive: KeepAliveStatus;
  readonly consumerKey?: {
    readonly ageMonths: number;
    readonly warn: boolean;
    readonly lapsesAround: string;
  };
}

export interface Status {
  readonly now: string;
  /** The ledger facts below are at least this fresh (a server instance may answer from a snapshot up to a second old). */
  readonly asOf: string;
  readonly midnight: string;
  readonly secondsToMidnight: number;
  readonly nextMorningAlert: string;
  readonly csrfToken?: string;
  readonly connections: readonly ConnectionStatus[];
}

export interface StartedFlow {
  readonly flowId: string;
  readonly connectionId: string;
  readonly authorizeUrl: string;
  readonly expiresAt: string;
}

export interface ExchangedPin {
  readonly connectionId: string;
  readonly generation: number;
  readonly expiresAt: string;
  readonly warnings?: readonly string[];
}

export type KeepAliveRunOutcome =
  'not-live' | 'skipped' | 'touched' | 'renewed' | 'failed' | 'died' | 'superseded';

export interface KeepAliveReport {
  readonly connections: readonly {
    readonly connectionId: string;
    readonly outcome: KeepAliveRunOutcome;
    readonly errorCode?: string;
  }[];
}
