import type { AppContext } from '../app/context';
import { MORNING_STAGES, runMorningStage } from '../alerts/morningStage';
import { clearSessionCookie, issueSession, loadAuthKeys, redeemLoginLink } from '../auth';
import { type Route, requireBoolean, requireOneOf, requireString } from '../http';
import { runKeepAlive } from '../keepalive';
import { RENEWAL_PATHS, sendWarmUps } from '../app/warmUp';
import { claimLoginLinkSlot, loginLinkNotice } from '../notify/loginLinkNotice';
import { findConnection } from '../pinflow/connections';
import { cookieMode, requirePrincipal } from './guard';

/**
 * The HTTP side of the operations that are not one of the five functions: signing in and out,
 * login links on demand, manual keep-alive and morning-alert runs, and usage reports ("touch").
 * Scheduler-driven runs arrive as Pub/Sub events at keepAlive / morningAlert instead.
 */
export function actionsRoutes(ctx: AppContext): Route[] {
  const routes: Route[] = [];
  const post = (paths: string[], handle: Route['handle']) => {
    for (const path of paths) routes.push({ method: 'POST', path, handle });
  };

  post(['/api/login'], async (request) => {
    // The page calls status at once and the PIN flow next: their instances start while this one works.
    const warming = ctx.config.warmUp ? sendWarmUps(ctx.pageUrl, RENEWAL_PATHS, { log: ctx.log }) : undefined;
    const token = requireString(request.body, 'token', { maxLength: 512 });
    const { loginLinkKey } = await loadAuthKeys(ctx.secrets);
    const now = ctx.clock.now();
    await redeemLoginLink({ key: loginLinkKey, token, now, ledger: ctx.ledger, log: ctx.log });
    const session = issueSession({ key: loginLinkKey, now, ...cookieMode(ctx) });
    await warming;
    return {
      cookies: [session.cookie],
      body: { csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() },
    };
  });

  post(['/api/logout'], async () => ({
    cookies: [clearSessionCookie(cookieMode(ctx))],
    body: { signedOut: true },
  }));

  // Deliberately unauthenticated: the link goes only to the configured chat, never to the caller.
  post(['/login-link', '/api/login-link'], async () => {
    const now = ctx.clock.now();
    // One a minute, shared with the chat's /login, so the endpoint cannot be used to spam the chat.
    if ((await claimLoginLinkSlot(ctx, now)).ok) await ctx.notifier.send(loginLinkNotice(now));
    // The same answer either way: the caller learns nothing about the chat or the rate limit.
    return { status: 202, body: { sent: 'If a chat is configured, a sign-in link is on its way.' } };
  });

  post(['/keepalive/force', '/api/keepalive/force'], async (request) => {
    await requirePrincipal(ctx, request, { requireCsrf: true });
    return { body: await runKeepAlive(ctx, { force: true }) };
  });

  // Body `{"stage":"escalation"}` runs the 09:15 ET escalation; no body (or "reminder") the reminder.
  // A run by hand sends now, whatever the time (`"force": false` keeps the scheduled run's window
  // and once-a-day rule); only a holiday or every live login renewed today sends nothing.
  post(['/cron/morning-alert', '/api/cron/morning-alert'], async (request) => {
    await requirePrincipal(ctx, request, { requireCsrf: true });
    const stage =
      request.body?.stage === undefined ? 'reminder' : requireOneOf(request.body, 'stage', MORNING_STAGES);
    const force = request.body?.force === undefined ? true : requireBoolean(request.body, 'force');
    return { body: await runMorningStage(ctx, stage, { force }) };
  });

  post(['/touch', '/api/touch'], async (request) => {
    await requirePrincipal(ctx, request, { requireCsrf: true });
    const connection = findConnection(
      ctx.config,
      requireString(request.body, 'connection', { maxLength: 30 }),
    );
    const record = await ctx.ledger.get(connection.id);
    const write = await ctx.ledger.recordUsed(connection.id, record.generation, ctx.clock.now());
    return { body: { connection: connection.id, generation: record.generation, recorded: write.applied } };
  });

  return routes;
}
