import { balance, listAccounts } from './apiEndpoints';
import { AUTHORIZE_PATH, authorizePage } from './authorizePage';
import { Handler, Incoming, SimContext } from './context';
import { accessToken, renewAccessToken, requestToken, revokeAccessToken } from './oauthEndpoints';
import { OAuthRejection } from './problems';
import { Reply, htmlReply, notFoundReply, problemReplyFor } from './responses';

interface Route {
  methods: readonly string[];
  pattern: RegExp;
  handle: Handler;
}

// Paths exactly as E*TRADE spells them; the data API also answers with a `.json` suffix.
const ROUTES: readonly Route[] = [
  { methods: ['GET'], pattern: /^\/oauth\/request_token$/, handle: requestToken },
  { methods: ['GET'], pattern: /^\/oauth\/access_token$/, handle: accessToken },
  { methods: ['GET'], pattern: /^\/oauth\/renew_access_token$/, handle: renewAccessToken },
  { methods: ['GET'], pattern: /^\/oauth\/revoke_access_token$/, handle: revokeAccessToken },
  { methods: ['GET'], pattern: /^\/v1\/accounts\/list(\.json)?$/, handle: listAccounts },
  { methods: ['GET'], pattern: /^\/v1\/accounts\/([^/]+)\/balance(\.json)?$/, handle: balance },
  { methods: ['GET', 'POST'], pattern: new RegExp(`^${AUTHORIZE_PATH}$`), handle: authorizePage },
];

export function dispatch(request: Incoming, ctx: SimContext): Reply {
  for (const route of ROUTES) {
    const match = route.pattern.exec(request.path);
    if (match === null) continue;
    if (!route.methods.includes(request.method)) {
      const reply = htmlReply(405, 'Method Not Allowed', `<p>Use ${route.methods.join(' or ')}.</p>`);
      reply.headers.Allow = route.methods.join(', ');
      return reply;
    }
    try {
      return route.handle(request, ctx, match);
    } catch (err) {
      if (err instanceof OAuthRejection) return problemReplyFor(request.path, err);
      throw err;
    }
  }
  return notFoundReply(request.path);
}
