import { Handler, Incoming, SimContext } from './context';
import { parseForm } from './encoding';
import { Reply, escapeHtml, htmlReply } from './responses';
import { RequestTokenRecord } from './tokens';

export const AUTHORIZE_PATH = '/e/t/etws/authorize';
const TITLE = 'E*TRADE simulator: authorize application';

/**
 * E*TRADE's login page, reduced to one button. `key` and `token` are read as form data, so a
 * client that forgets to percent-encode a base64 token (`+` becomes a space) is told so here.
 */
export const authorizePage: Handler = (request, ctx) => {
  const query = request.target.includes('?') ? request.target.slice(request.target.indexOf('?') + 1) : '';
  const isPost = request.method === 'POST';
  if (isPost && !isFormPost(request)) return refuse('The login form must be posted as a form.');
  const fields = parseForm(isPost ? request.body : query);
  if (fields === undefined) return refuse('The link is not correctly percent-encoded.');
  const key = fields.find(([name]) => name === 'key')?.[1];
  const token = fields.find(([name]) => name === 'token')?.[1];
  if (key === undefined || token === undefined) {
    return refuse('The link must carry both <code>key</code> and <code>token</code>.');
  }
  const record = findRequestToken(ctx, key, token);
  if (typeof record === 'string') return refuse(record);
  return isPost ? pinPage(ctx.tokens.approve(record)) : loginPage(key, token);
};

function findRequestToken(ctx: SimContext, key: string, token: string): RequestTokenRecord | string {
  if (!ctx.consumers.has(key)) return 'Unknown consumer key.';
  const record = ctx.tokens.find(token);
  if (record?.kind !== 'request' || record.consumerKey !== key) {
    return 'Unknown request token (was it percent-encoded? base64 tokens contain + / =).';
  }
  const state = ctx.tokens.requestState(record);
  if (state === 'expired') return 'This request token has expired (they live 5 minutes). Start again.';
  if (state === 'used') return 'This request token has already been exchanged for an access token.';
  return record;
}

function loginPage(key: string, token: string): Reply {
  return htmlReply(
    200,
    TITLE,
    [
      '<p>An application is asking to access your (simulated) E*TRADE accounts.</p>',
      `<form method="post" action="${AUTHORIZE_PATH}">`,
      `<input type="hidden" name="key" value="${escapeHtml(key)}">`,
      `<input type="hidden" name="token" value="${escapeHtml(token)}">`,
      '<button type="submit" id="login">Log in</button>',
      '</form>',
    ].join('\n'),
  );
}

function pinPage(pin: string): Reply {
  return htmlReply(
    200,
    TITLE,
    [
      '<p>Enter this verification code in the application to finish connecting:</p>',
      `<p><code id="pin">${escapeHtml(pin)}</code></p>`,
    ].join('\n'),
  );
}

function refuse(reason: string): Reply {
  return htmlReply(400, 'E*TRADE simulator: cannot authorize', `<p>${reason}</p>`);
}

function isFormPost(request: Incoming): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(request.contentType ?? '');
}
