/**
 * The page declares the API's shapes itself (it must not bundle server code). This file, checked by
 * `npm run lint` (tsc), fails to compile if the server's responses stop fitting what the page expects.
 */
import type * as Page from '../../hosting/src/types';
import type { StartedPinFlow } from '../../shared/pinflow/startPinFlow';
import type { ExchangedToken } from '../../shared/pinflow/exchangePin';
import type { KeepAliveReport } from '../../shared/keepalive/report';
import type { StatusReport } from '../../shared/status/statusReport';

/** What JSON.stringify makes of a value: Dates become strings. */
type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer E)[]
    ? readonly Wire<E>[]
    : T extends object
      ? { readonly [K in keyof T]: Wire<T[K]> }
      : T;

type Fits<Server, PageExpects> = Wire<Server> extends PageExpects ? true : never;

export const statusFits: Fits<StatusReport & { csrfToken?: string }, Page.Status> = true;
export const startedFlowFits: Fits<StartedPinFlow, Page.StartedFlow> = true;
export const exchangedFits: Fits<ExchangedToken, Page.ExchangedPin> = true;
export const keepAliveFits: Fits<KeepAliveReport, Page.KeepAliveReport> = true;
