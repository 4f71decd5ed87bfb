import { Handler, Incoming, SimContext } from './context';
import { parseForm } from './encoding';
import { Reply, escapeHtml } from './responses';
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
  return phonePage(
    200,
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
  return phonePage(
    200,
    [
      '<p>Enter this verification code in the application to finish connecting:</p>',
      `<p class="pin"><code id="pin">${escapeHtml(pin)}</code></p>`,
      '<button type="button" id="copy">Copy code</button>',
      `<script>${COPY_SCRIPT}</script>`,
    ].join('\n'),
  );
}

function refuse(reason: string): Reply {
  return phonePage(400, `<p>${reason}</p>`, 'E*TRADE simulator: cannot authorize');
}

/**
 * A page that works on a phone, as E*TRADE's own login does: viewport meta, a button a thumb hits
 * (52 px), the code in large type. The simulator serves no CSP, so the style and script are inline.
 */
function phonePage(status: number, inner: string, title = TITLE): Reply {
  const body = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PHONE_STYLE}</style></head>`,
    `<body>\n<h1>${escapeHtml(title)}</h1>\n${inner}\n</body>`,
    '</html>',
    '',
  ].join('\n');
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body };
}

const PHONE_STYLE = [
  'body{margin:0 auto;max-width:28rem;padding:16px;font:1.0625rem/1.45 system-ui,sans-serif;color:#14171c}',
  'h1{font-size:1.25rem}',
  'button{display:block;width:100%;min-height:52px;margin-top:16px;border:0;border-radius:10px;',
  'background:#5627d8;color:#fff;font:600 1.125rem system-ui,sans-serif}',
  '.pin{margin:16px 0 0;text-align:center}',
  '#pin{font:700 2.75rem/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.2em;user-select:all}',
].join('');

/** Copies the code; where the Clipboard API is missing (plain http off loopback), selects and copies. */
const COPY_SCRIPT = [
  "const copy=document.getElementById('copy'),pin=document.getElementById('pin');",
  "copy.addEventListener('click',async()=>{",
  'try{await navigator.clipboard.writeText(pin.textContent)}',
  'catch{const r=document.createRange();r.selectNodeContents(pin);',
  "const s=getSelection();s.removeAllRanges();s.addRange(r);document.execCommand('copy')}",
  "copy.textContent='Copied. Go back and paste it'});",
].join('');

function isFormPost(request: Incoming): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(request.contentType ?? '');
}
