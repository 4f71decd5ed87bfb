/**
 * The `oauth_problem` values the simulator reports (OAuth Problem Reporting names, plus E*TRADE's
 * own `token_inactive` for an idle access token on the v1 API). `verifier_invalid` is only sent
 * when a test asks for it (`wrongVerifier`): E*TRADE itself answers a wrong PIN with token_rejected.
 */
export const OAUTH_PROBLEMS = [
  'parameter_absent',
  'parameter_rejected',
  'version_rejected',
  'signature_method_rejected',
  'consumer_key_rejected',
  'timestamp_refused',
  'nonce_used',
  'signature_invalid',
  'token_rejected',
  'token_expired',
  'token_inactive',
  'permission_denied',
  'verifier_invalid',
] as const;
export type OAuthProblem = (typeof OAUTH_PROBLEMS)[number];

export function isOAuthProblem(value: unknown): value is OAuthProblem {
  return typeof value === 'string' && (OAUTH_PROBLEMS as readonly string[]).includes(value);
}

/** RFC 5849 §3.2: malformed or unsupported requests are 400, failed authentication is 401. */
const BAD_REQUEST: ReadonlySet<OAuthProblem> = new Set([
  'parameter_absent',
  'parameter_rejected',
  'version_rejected',
  'signature_method_rejected',
]);

/**
 * Thrown by the verification steps and turned into the endpoint's error form at one place. `detail`
 * is appended after a comma, E*TRADE style (`timestamp_refused,oauth_acceptable_timestamps=A-B`).
 */
export class OAuthRejection extends Error {
  override readonly name = 'OAuthRejection';
  readonly status: 400 | 401;
  constructor(
    readonly problem: OAuthProblem,
    readonly detail?: string,
  ) {
    super(detail === undefined ? problem : `${problem},${detail}`);
    this.status = BAD_REQUEST.has(problem) ? 400 : 401;
  }

  /** The text after `oauth_problem=` in bodies and headers. */
  get reported(): string {
    return this.message;
  }
}

/** The accepted window both ways around the simulator's clock (E*TRADE: 5 minutes). */
export const TIMESTAMP_WINDOW_S = 300;

export function timestampRefused(nowMs: number): OAuthRejection {
  const now = Math.floor(nowMs / 1000);
  return new OAuthRejection(
    'timestamp_refused',
    `oauth_acceptable_timestamps=${now - TIMESTAMP_WINDOW_S}-${now + TIMESTAMP_WINDOW_S}`,
  );
}

/** A rejection as the simulator would raise it, range included (used by injected faults). */
export function rejectionFor(problem: OAuthProblem, nowMs: number): OAuthRejection {
  return problem === 'timestamp_refused' ? timestampRefused(nowMs) : new OAuthRejection(problem);
}
