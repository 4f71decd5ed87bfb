import { AuthDeps, SignedRequest } from './authenticate';
import { FaultBook } from './faults';
import { Reply, WrongVerifierAnswer } from './responses';

/** The simulator's state as the endpoint handlers see it; owned by one EtradeSimulator. */
export interface SimContext extends AuthDeps {
  faults: FaultBook;
  /** How access_token answers a wrong PIN (E*TRADE: token_rejected). */
  wrongVerifier: WrongVerifierAnswer;
}

/** A received request, body read, ready for routing. */
export interface Incoming extends SignedRequest {
  /** The target's path, without the query. */
  path: string;
  accept?: string;
}

/** Handlers throw OAuthRejection for E*TRADE-style failures; the router renders them. */
export type Handler = (request: Incoming, ctx: SimContext, match: RegExpExecArray) => Reply;
