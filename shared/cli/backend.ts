import type { EtradeAccount, EtradeBalance } from '../etrade/types';
import type { KeepAliveReport } from '../keepalive';
import type { StatusReport } from '../status/statusReport';
import type { TokenState } from '../lifecycle';
import type { KeepAliveStatus } from '../status/statusReport';

/** `GET /keepalive/status`: the keep-alive slice of the status report. */
export interface KeepAliveStatusReport {
  readonly now: string;
  readonly connections: readonly {
    readonly id: string;
    readonly state: TokenState;
    readonly generation: number;
    readonly keepAlive: KeepAliveStatus;
  }[];
}

/** `POST /api/request-token`. */
export interface StartedLogin {
  readonly flowId: string;
  readonly connectionId: string;
  readonly authorizeUrl: string;
  readonly expiresAt: string;
}

/** `POST /api/exchange-pin`: the new generation, never the token. */
export interface FinishedLogin {
  readonly connectionId: string;
  readonly generation: number;
  readonly secretVersion: string;
  readonly expiresAt: string;
  readonly accounts: number;
  readonly warnings: readonly string[];
}

export type LoginLinkDelivery =
  | { readonly delivery: 'chat'; readonly message: string }
  | { readonly delivery: 'printed'; readonly url: string };

export interface AccountsAnswer {
  readonly connectionId: string;
  readonly generation: number;
  readonly accounts: readonly EtradeAccount[];
}

export interface BalancesAnswer {
  readonly connectionId: string;
  readonly generation: number;
  readonly balances: readonly (EtradeBalance & {
    readonly accountIdKey: string;
    readonly accountDesc?: string;
  })[];
}

export interface RevokeAnswer {
  readonly connectionId: string;
  readonly generation: number;
  /** `already-revoked`: the ledger had it revoked, E*TRADE was not called again. */
  readonly outcome: 'revoked' | 'already-dead' | 'already-revoked';
  readonly revokedAt: string;
}

/** Calls that use the token material itself: only where the stores are (see README, "the CLI"). */
export interface TokenOperations {
  accounts(connectionId: string): Promise<AccountsAnswer>;
  balances(connectionId: string, accountIdKey?: string): Promise<BalancesAnswer>;
  revoke(connectionId: string): Promise<RevokeAnswer>;
}

/**
 * The one interface the commands use, whether they talk to the HTTP API (remote) or to the stores
 * directly (local). Both answer with the API's JSON shapes, so `--json` output is the same either way.
 */
export interface Backend {
  readonly mode: 'remote' | 'local';
  /** Where commands go, for people: the API's origin or the data directory. Never a credential. */
  readonly target: string;
  status(): Promise<StatusReport>;
  keepAliveStatus(): Promise<KeepAliveStatusReport>;
  /** A keep-alive run now, calling E*TRADE even for tokens used recently. */
  forceKeepAlive(): Promise<KeepAliveReport>;
  startLogin(connectionId: string): Promise<StartedLogin>;
  finishLogin(flowId: string, pin: string): Promise<FinishedLogin>;
  loginLink(): Promise<LoginLinkDelivery>;
  /** Undefined in remote mode: the API never hands out token material, and has no route for these. */
  readonly tokens?: TokenOperations;
  close(): Promise<void>;
}
