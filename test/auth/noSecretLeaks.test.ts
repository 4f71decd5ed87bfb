import { generateApiKey } from '../../shared/auth/apiKeys';
import { authenticate, loadAuthKeys } from '../../shared/auth/authenticate';
import { createLoginLink, redeemLoginLink } from '../../shared/auth/loginLinks';
import { createRenewLink, redeemRenewLink } from '../../shared/auth/renewLinks';
import { issueSession, readSession, SESSION_COOKIE } from '../../shared/auth/sessions';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { capturingLogger, cookieValueOf, fileLedger, KEY, PAGE_URL, T0, tokenOf } from './fixtures';

/**
 * Every failure path, run with a real jsonLogger: neither a thrown error nor a log line may contain the
 * key, a token, a cookie value, a CSRF token or an API key (nor either half of a token).
 */
it('keeps every secret out of errors and log lines on every failure path', async () => {
  const env = await fileLedger();
  const { log, lines } = capturingLogger();
  const errors: string[] = [];
  const attempt = async (run: () => unknown) => {
    try {
      await run();
    } catch (err) {
      errors.push(`${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`);
    }
  };
  try {
    const { apiKey, hash } = generateApiKey();
    const token = tokenOf(createLoginLink({ key: KEY, pageUrl: PAGE_URL, now: T0 }).url);
    const session = issueSession({ key: KEY, now: T0 });
    const cookieValue = cookieValueOf(session.cookie);
    const cookie = `${SESSION_COOKIE}=${cookieValue}`;
    const keys = { loginLinkKey: KEY, apiKeyHash: hash };
    const later = new Date(T0.getTime() + 13 * 60 * 60_000);
    const redeem = (t: unknown, now = T0) =>
      redeemLoginLink({ key: KEY, token: t, now, ledger: env.ledger, log });
    const auth = (headers: Record<string, string>, now = T0) =>
      authenticate({ method: 'POST', headers }, keys, now, { requireCsrf: true, log });

    await attempt(() => redeem(`${token}x`));
    await attempt(() => redeem(token.replace('.', '.A')));
    await attempt(() => redeem(token, later));
    await redeem(token);
    await attempt(() => redeem(token));
    await attempt(() => redeem(cookieValue));
    readSession({ key: KEY, cookieHeader: `${cookie}; ${cookie}`, now: T0, log });
    readSession({ key: KEY, cookieHeader: `${SESSION_COOKIE}=${token}`, now: T0, log });
    await attempt(() => auth({ cookie }));
    await attempt(() => auth({ cookie, 'x-csrf-token': `${session.csrfToken}x` }));
    await attempt(() => auth({ cookie, 'x-csrf-token': session.csrfToken }, later));
    await attempt(() =>
      auth({ authorization: `Bearer ${apiKey}x`, cookie, 'x-csrf-token': session.csrfToken }),
    );
    await attempt(() => auth({ authorization: `Bearer ${hash}` }));
    await attempt(() => createLoginLink({ key: KEY.slice(0, 20), pageUrl: PAGE_URL, now: T0 }));
    await attempt(() =>
      loadAuthKeys({ read: async (id) => (id === SECRET_IDS.loginLinkKey ? KEY.slice(0, 20) : apiKey) }),
    );
    await attempt(() =>
      loadAuthKeys({ read: async (id) => (id === SECRET_IDS.loginLinkKey ? KEY : apiKey) }),
    );

    // The chat's renew button: forged, for another chat, expired, replayed, and a good one.
    const button = tokenOf(
      createRenewLink({ key: KEY, pageUrl: PAGE_URL, chatId: '-100123', connectionId: 'prod', now: T0 }).url,
    );
    const tap = (t: unknown, now = T0, chatId = '-100123') =>
      redeemRenewLink({ key: KEY, token: t, chatId, now, ledger: env.ledger, log });
    await attempt(() => tap(`${button}x`));
    await attempt(() => tap(button, T0, '-100999'));
    await attempt(() => tap(button, later));
    await tap(button);
    await attempt(() => tap(button));

    expect(errors).toHaveLength(17);
    expect(lines.length).toBeGreaterThanOrEqual(14);
    const secrets = [
      KEY,
      KEY.slice(0, 20),
      apiKey,
      session.csrfToken,
      session.sessionId,
      token,
      cookieValue,
      button,
    ];
    const halves = [token, cookieValue, button].flatMap((t) => t.split('.'));
    const output = [...errors, ...lines].join('\n');
    for (const secret of [...secrets, ...halves]) expect(output).not.toContain(secret);
  } finally {
    await env.cleanup();
  }
});
