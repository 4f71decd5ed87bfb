import { accountBalance, accountList, dataReply } from './accounts';
import { Handler, Incoming, SimContext } from './context';
import { percentDecode } from './encoding';
import { liveAccessToken } from './oauthEndpoints';
import { OAuthRejection } from './problems';
import { apiErrorReply } from './responses';
import { requestParameters } from './verify';

/** Every data call needs an active access token, and using it is what keeps it from going idle. */
function useAccessToken(request: Incoming, ctx: SimContext): void {
  const token = liveAccessToken(request, ctx);
  if (ctx.tokens.accessState(token) === 'idle') throw new OAuthRejection('token_inactive');
  token.lastActivity = ctx.clock();
}

function wantsJson(request: Incoming, suffix: string | undefined): boolean {
  return suffix === '.json' || /\bapplication\/json\b/i.test(request.accept ?? '');
}

/** `/v1/accounts/list(.json)` */
export const listAccounts: Handler = (request, ctx, match) => {
  useAccessToken(request, ctx);
  return dataReply(accountList(), wantsJson(request, match[1]));
};

/** `/v1/accounts/{accountIdKey}/balance(.json)?instType=BROKERAGE&realTimeNAV=true` */
export const balance: Handler = (request, ctx, match) => {
  useAccessToken(request, ctx);
  const instType = requestParameters(request).find(([name]) => name === 'instType')?.[1];
  if (instType !== 'BROKERAGE') return apiErrorReply(400, 100, 'instType=BROKERAGE is required');
  const body = accountBalance(percentDecode(match[1], false) ?? '');
  if (body === undefined) return apiErrorReply(404, 404, 'Invalid account key');
  return dataReply(body, wantsJson(request, match[2]));
};
