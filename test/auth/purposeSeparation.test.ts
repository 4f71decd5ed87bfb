import { csrfTokenFor } from '../../shared/auth/csrf';
import { createLoginLink, redeemLoginLink } from '../../shared/auth/loginLinks';
import { issueSession, readSession, SESSION_COOKIE } from '../../shared/auth/sessions';
import {
  caught,
  capturingLogger,
  cookieValueOf,
  fileLedger,
  KEY,
  LINK_INVALID,
  PAGE_URL,
  T0,
  tokenOf,
} from './fixtures';

/**
 * One configured key signs links, cookies and CSRF tokens; the derived sub-keys must keep them apart.
 * Both tokens are "payload.mac" shaped, so without separation a link could become a 12-hour session.
 */

let env: Awaited<ReturnType<typeof fileLedger>>;
beforeEach(async () => {
  env = await fileLedger();
});
afterEach(() => env.cleanup());

it('refuses a login-link token presented as the session cookie', () => {
  const token = tokenOf(createLoginLink({ key: KEY, pageUrl: PAGE_URL, now: T0 }).url);
  expect(readSession({ key: KEY, cookieHeader: `${SESSION_COOKIE}=${token}`, now: T0 })).toBeUndefined();
  expect(
    readSession({ key: KEY, cookieHeader: `etrade_session_local=${token}`, now: T0, insecureLocal: true }),
  ).toBeUndefined();
});

it('refuses a session cookie presented as a login link, at the signature', async () => {
  const { log, lines } = capturingLogger();
  const value = cookieValueOf(issueSession({ key: KEY, now: T0 }).cookie);
  expect(
    await caught(() => redeemLoginLink({ key: KEY, token: value, now: T0, ledger: env.ledger, log })),
  ).toMatchObject(LINK_INVALID);
  expect(JSON.parse(lines[0]).reason).toBe('bad_signature');
});

it('refuses a CSRF token as either (it is not even token-shaped)', async () => {
  const csrf = csrfTokenFor(KEY, issueSession({ key: KEY, now: T0 }).sessionId);
  expect(readSession({ key: KEY, cookieHeader: `${SESSION_COOKIE}=${csrf}`, now: T0 })).toBeUndefined();
  await expect(redeemLoginLink({ key: KEY, token: csrf, now: T0, ledger: env.ledger })).rejects.toMatchObject(
    LINK_INVALID,
  );
});
