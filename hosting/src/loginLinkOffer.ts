import { messageOf, postJson } from './api';
import { h, setText } from './dom';
import { liveRegion, say } from './messages';

/** The server sends at most one link a minute; the button rests as long. */
const RESEND_AFTER_MS = 60_000;

/**
 * All a signed-out visitor sees: what is going on and one button that sends a fresh single-use
 * sign-in link to the trader's Telegram chat. Nothing about the tokens is shown before sign-in.
 */
export function loginLinkOffer(options: { title: string; text: string; button: string }): HTMLElement {
  const button = h('button', { type: 'button', className: 'button primary', id: 'send-login-link' });
  button.textContent = options.button;
  const messages = liveRegion('offer-messages');
  button.addEventListener('click', async () => {
    button.disabled = true;
    setText(button, 'Sending…');
    try {
      const { sent } = await postJson<{ sent?: string }>('/login-link', {});
      say(
        `${sent ?? 'A sign-in link is on its way.'} Open it from Telegram on this phone.`,
        'success',
        messages,
      );
      setText(button, 'Link sent — check Telegram');
      window.setTimeout(() => {
        button.disabled = false;
        setText(button, 'Send another link');
      }, RESEND_AFTER_MS);
    } catch (error) {
      say(messageOf(error), 'error', messages);
      button.disabled = false;
      setText(button, options.button);
    }
  });
  return h(
    'section',
    { className: 'panel offer', id: 'login-offer', 'aria-labelledby': 'offer-title' },
    h('h2', { id: 'offer-title', tabindex: -1 }, options.title),
    h('p', {}, options.text),
    button,
    messages,
  );
}
