import type { AppContext } from '../app/context';
import { chatFlowOwner, loadLoginLinkKey, redeemRenewLink, RENEW_PATH, RENEW_TOKEN_PARAM } from '../auth';
import type { Route } from '../http';
import { startPinFlow } from '../pinflow/startPinFlow';

/**
 * A chat alert's "Log in to E*TRADE" button, tapped: `GET /renew?t=…` (served by requestToken through
 * Hosting's rewrite). The signed, single-use link names a connection and the chat it was made for;
 * only now does the PIN flow start (E*TRADE's 5 minutes begin when the trader is there), owned by that
 * chat, and the browser goes on to E*TRADE's authorize page (302). The trader pastes the code into the
 * chat, where telegramWebhook finishes the flow. A flow that cannot be started gives the button back.
 */
export function renewButtonRoutes(ctx: AppContext): Route[] {
  const handle: Route['handle'] = async (request) => {
    const key = await loadLoginLinkKey(ctx.secrets);
    const button = await redeemRenewLink({
      key,
      token: request.query[RENEW_TOKEN_PARAM],
      chatId: ctx.config.telegramChatId,
      now: ctx.clock.now(),
      ledger: ctx.ledger,
      log: ctx.log,
    });
    let authorizeUrl: string;
    try {
      const flow = await startPinFlow(ctx, {
        connectionId: button.connectionId,
        session: chatFlowOwner(button.chatId),
      });
      authorizeUrl = flow.authorizeUrl;
    } catch (error) {
      await button.release().catch(() => undefined);
      throw error;
    }
    return { status: 302, redirect: authorizeUrl, headers: { 'Referrer-Policy': 'no-referrer' } };
  };
  return [RENEW_PATH, `/api${RENEW_PATH}`].map((path) => ({ method: 'GET', path, handle }));
}
