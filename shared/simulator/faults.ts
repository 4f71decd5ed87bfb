import { SimulatorError } from './errors';
import { OAuthProblem, isOAuthProblem, rejectionFor } from './problems';
import { Reply, problemReplyFor, rateLimitReply, statusReply } from './responses';

/** Where a fault applies: every request (default), a path prefix, or a pattern on the path. */
interface FaultScope {
  /** How many matching requests it hits, default 1; `Infinity` for all of them. */
  times?: number;
  /** Matched against the path without its query. */
  path?: string | RegExp;
}

export type Fault = FaultScope &
  (
    | { kind: 'status'; status: 500 | 502 | 503 }
    | { kind: 'delay'; ms: number }
    | { kind: 'reset' }
    | { kind: 'rateLimit' }
    | { kind: 'problem'; problem: OAuthProblem }
    /** renew answers 200 but the token stays dead (as expired, or by default as rejected). */
    | { kind: 'renewButDead'; dead?: 'token_rejected' | 'token_expired' }
  );

export type FaultKind = Fault['kind'];
/** Faults that replace (or delay) the normal answer as soon as a request arrives. */
export type ArrivalFault = Exclude<Fault, { kind: 'renewButDead' }>;
export type RenewFault = Extract<Fault, { kind: 'renewButDead' }>;

interface Armed {
  fault: Fault;
  remaining: number;
}

/**
 * The single place faults are matched and spent. Faults are tried in injection order and at most
 * one fault applies to a request.
 */
export class FaultBook {
  private armed: Armed[] = [];

  inject(fault: Fault): void {
    assertFault(fault);
    this.armed.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  takeOnArrival(path: string): ArrivalFault | undefined {
    return this.take(path, (fault): fault is ArrivalFault => fault.kind !== 'renewButDead');
  }

  /** Only spent when a renew would otherwise succeed, so a rejected renew does not use it up. */
  takeRenew(path: string): RenewFault | undefined {
    return this.take(path, (fault): fault is RenewFault => fault.kind === 'renewButDead');
  }

  private take<F extends Fault>(path: string, wanted: (fault: Fault) => fault is F): F | undefined {
    const entry = this.armed.find(({ fault }) => wanted(fault) && pathMatches(fault.path, path));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.armed = this.armed.filter((other) => other !== entry);
    return entry.fault as F;
  }
}

/** The answer an arrival fault gives instead of the normal one; undefined when it only delays. */
export function faultReply(fault: ArrivalFault, path: string, nowMs: number): Reply | undefined {
  switch (fault.kind) {
    case 'status':
      return statusReply(fault.status);
    case 'rateLimit':
      return rateLimitReply();
    case 'problem':
      return problemReplyFor(path, rejectionFor(fault.problem, nowMs));
    default:
      return undefined; // delay answers normally afterwards; reset never answers
  }
}

function pathMatches(scope: string | RegExp | undefined, path: string): boolean {
  if (scope === undefined) return true;
  if (typeof scope === 'string') return path.startsWith(scope);
  scope.lastIndex = 0; // a /g or /y pattern would otherwise remember where it stopped
  return scope.test(path);
}

/** Faults come from test code; a typo should fail at inject(), not as a silently normal reply. */
function assertFault(fault: Fault): asserts fault is Fault {
  const times = fault.times ?? 1;
  if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
    throw new SimulatorError('ERR_SIM_INVALID_FAULT', `fault.times must be a positive integer or Infinity`);
  }
  const ok =
    (fault.kind === 'status' && [500, 502, 503].includes(fault.status)) ||
    (fault.kind === 'delay' && Number.isFinite(fault.ms) && fault.ms >= 0) ||
    fault.kind === 'reset' ||
    fault.kind === 'rateLimit' ||
    (fault.kind === 'problem' && isOAuthProblem(fault.problem)) ||
    (fault.kind === 'renewButDead' && [undefined, 'token_rejected', 'token_expired'].includes(fault.dead));
  if (!ok) throw new SimulatorError('ERR_SIM_INVALID_FAULT', `invalid fault: ${JSON.stringify(fault)}`);
}
