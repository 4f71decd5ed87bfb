// /login?t=<token>[&renew=<connection>]: the page a Telegram sign-in link opens. The token is
// redeemed only by the POST below, never by loading the page, so a link preview fetching the URL
// cannot burn the single use.
import { ApiError, messageOf, postJson } from './api';
import { byId, h } from './dom';
import { loginLinkOffer } from './loginLinkOffer';

const main = byId('content');

function offer(title: string): void {
  main.replaceChildren(
    loginLinkOffer({
      title,
      text: 'Sign-in links arrive in your Telegram chat and work once, for 30 minutes.',
      button: 'Send me a new link',
    }),
  );
  byId('offer-title').focus();
}

/**
 * The token page asks `status` first: start its instance now, beside the sign-in, rather than after
 * it (a warm-up: a POST with this header builds what the first request needs and answers 204; see
 * shared/app/warmUp.ts). Fire and forget: a failed warm-up only leaves status as cold as it was.
 */
function warmStatus(): void {
  void fetch('/status', { method: 'POST', headers: { 'x-etrade-warm-up': '1' } }).catch(() => undefined);
}

async function signIn(token: string, renew: string | undefined): Promise<void> {
  main.replaceChildren(h('p', { className: 'working', id: 'signing-in' }, 'Signing you in…'));
  warmStatus();
  try {
    await postJson<{ csrfToken: string; expiresAt: string }>('/api/login', { token });
    // The token page opens that connection's renewal, one tap away (app.ts).
    location.replace(renew === undefined ? '/' : `/#renew=${renew}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
      return offer('This sign-in link has expired or was already used');
    }
    // Not redeemed (the server was unreachable or failing): the same link may be tried again.
    const retry = h('button', { type: 'button', className: 'button primary' }, 'Try again');
    retry.addEventListener('click', () => void signIn(token, renew));
    main.replaceChildren(
      h(
        'section',
        { className: 'panel', 'aria-labelledby': 'signin-failed' },
        h('h2', { id: 'signin-failed', tabindex: -1 }, 'Could not sign you in'),
        h('p', { className: 'message error' }, messageOf(error)),
        retry,
      ),
    );
    byId('signin-failed').focus();
  }
}

const query = new URLSearchParams(location.search);
const token = query.get('t');
/**
 * `&renew=<connection>`: an alert's link names the connection to renew. Only a UI hint, passed on
 * if it looks like a connection id; the token page ignores one it does not know.
 */
const renew = /^[a-z][a-z0-9-]{0,29}$/.exec(query.get('renew') ?? '')?.[0];
// The token leaves the address bar (and so history, screenshots and shared URLs) before anything else.
history.replaceState(null, '', location.pathname);
if (token) void signIn(token, renew);
else offer('Open the sign-in link from Telegram');
