import { percentEncode } from './encoding';
import { OAuthProblem, OAuthRejection } from './problems';

/** One answer, built by a handler and written (and logged) by the server in one place. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the request log: the oauth_problem reported, if any. */
  problem?: OAuthProblem;
}

const TEXT = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function textReply(status: number, text: string): Reply {
  return { status, headers: { 'Content-Type': TEXT }, body: text };
}

/** `inner` is trusted markup; anything user-supplied must go through escapeHtml first. */
export function htmlReply(status: number, title: string, inner: string): Reply {
  const body =
    `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n` +
    `<body>\n<h1>${escapeHtml(title)}</h1>\n${inner}\n</body>\n</html>\n`;
  return { status, headers: { 'Content-Type': HTML }, body };
}

export function jsonReply(status: number, value: unknown): Reply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

/** Token replies: form-encoded pairs, each value percent-encoded per RFC 3986. */
export function formReply(pairs: Record<string, string>): Reply {
  const body = Object.entries(pairs)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
  return textReply(200, body);
}

const TOMCAT_REASONS: Readonly<Record<400 | 401, { title: string; description: string }>> = {
  400: {
    title: 'Bad Request',
    description:
      'The server cannot or will not process the request due to something that is perceived to be a client error.',
  },
  401: {
    title: 'Unauthorized',
    description:
      'The request has not been applied because it lacks valid authentication credentials for the target resource.',
  },
};

/**
 * E*TRADE's OAuth endpoints answer failures with Apache Tomcat's stock error report, the problem in
 * its Message line, e.g. `<p><b>Message</b> oauth_problem=token_rejected</p>` (as quoted in public
 * pyetrade bug reports, jessecooper/pyetrade#52).
 */
export function tomcatErrorReply(status: 400 | 401, message: string): Reply {
  const { title, description } = TOMCAT_REASONS[status];
  const heading = `HTTP Status ${status} – ${title}`;
  const body =
    `<!doctype html><html lang="en"><head><title>${heading}</title></head><body>` +
    `<h1>${heading}</h1><hr class="line" /><p><b>Type</b> Status Report</p>` +
    `<p><b>Message</b> ${escapeHtml(message)}</p><p><b>Description</b> ${description}</p>` +
    `<hr class="line" /><h3>Apache Tomcat</h3></body></html>`;
  return { status, headers: { 'Content-Type': HTML }, body };
}

/** OAuth endpoints: Tomcat's error page and a WWW-Authenticate header, both naming the problem. */
export function oauthProblemReply(rejection: OAuthRejection): Reply {
  const reply = tomcatErrorReply(rejection.status, `oauth_problem=${rejection.reported}`);
  reply.headers['WWW-Authenticate'] = `OAuth realm="",oauth_problem=${rejection.reported}`;
  return { ...reply, problem: rejection.problem };
}

/** How a wrong or stale PIN at access_token is answered; see `wrongVerifierReply`. */
export const WRONG_VERIFIER_ANSWERS = ['token_rejected', 'verifier_invalid', 'bare401'] as const;
export type WrongVerifierAnswer = (typeof WRONG_VERIFIER_ANSWERS)[number];

/**
 * A wrong or stale PIN at access_token. E*TRADE answers `token_rejected`: HTTP 401, Tomcat's page,
 * the problem in the body only (pyetrade#5, #16). The other forms are what other servers (or a
 * future E*TRADE) may send, so clients are tested against them too: OAuth Problem Reporting's
 * `verifier_invalid`, and a bare 401 with neither body nor header.
 */
export function wrongVerifierReply(answer: WrongVerifierAnswer): Reply {
  if (answer === 'bare401') return { status: 401, headers: { 'Content-Type': TEXT }, body: '' };
  return { ...tomcatErrorReply(401, `oauth_problem=${answer}`), problem: answer };
}

/**
 * E*TRADE does not document numeric codes for OAuth failures on the v1 API; these are the
 * simulator's own, stable so tests can pin them. Clients should read the message.
 */
export const API_ERROR_CODES: Readonly<Record<OAuthProblem, number>> = {
  parameter_absent: 1001,
  parameter_rejected: 1002,
  version_rejected: 1003,
  signature_method_rejected: 1004,
  consumer_key_rejected: 1005,
  timestamp_refused: 1006,
  nonce_used: 1007,
  signature_invalid: 1008,
  token_rejected: 1009,
  token_expired: 1010,
  token_inactive: 1011,
  permission_denied: 1012,
  verifier_invalid: 1013,
};

/** v1 data API: JSON `{"Error":{"code":…,"message":"oauth_problem=…"}}`. */
export function apiProblemReply(rejection: OAuthRejection): Reply {
  const reply = jsonReply(rejection.status, {
    Error: { code: API_ERROR_CODES[rejection.problem], message: `oauth_problem=${rejection.reported}` },
  });
  return { ...reply, problem: rejection.problem };
}

/** The error form of the endpoint at `path`: JSON on the data API, HTML everywhere else. */
export function problemReplyFor(path: string, rejection: OAuthRejection): Reply {
  return path.startsWith('/v1/') ? apiProblemReply(rejection) : oauthProblemReply(rejection);
}

export function apiErrorReply(status: number, code: number, message: string): Reply {
  return jsonReply(status, { Error: { code, message } });
}

export function notFoundReply(path: string): Reply {
  return path.startsWith('/v1/')
    ? apiErrorReply(404, 404, 'Resource not found')
    : htmlReply(404, 'Not Found', '<p>No such page on the E*TRADE simulator.</p>');
}

const STATUS_TITLES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function statusReply(status: number): Reply {
  return htmlReply(status, STATUS_TITLES[status] ?? `HTTP ${status}`, '<p>Please try again later.</p>');
}

export function rateLimitReply(): Reply {
  return htmlReply(400, 'Bad Request', '<p>Number of requests exceeded the rate limit set</p>');
}
