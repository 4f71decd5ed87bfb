import { h, setText } from './dom';
import { liveRegion } from './messages';

/**
 * What keep-alive is, and the button that runs it now. Each connection's keep-alive health is shown
 * with that connection (the hero, or its card), not again here.
 */
export class KeepAlivePanel {
  readonly element: HTMLElement;
  readonly force = h('button', { type: 'button', className: 'button secondary', id: 'force-keepalive' });
  /** Where the forced run's result is announced, right under the button. */
  readonly messages = liveRegion('keepalive-messages');

  constructor(onForce: () => Promise<void>) {
    this.force.textContent = 'Force keep-alive now';
    this.element = h(
      'section',
      { className: 'section', id: 'keepalive', 'aria-labelledby': 'keepalive-title' },
      h('h2', { id: 'keepalive-title' }, 'Keep-alive'),
      h(
        'p',
        { className: 'intro' },
        'E*TRADE pauses a token after 2 hours unused; keep-alive calls it every 15 minutes so that never happens.',
      ),
      this.force,
      this.messages,
    );
    this.force.addEventListener('click', () => {
      this.force.disabled = true;
      setText(this.force, 'Running keep-alive…');
      void onForce().finally(() => {
        this.force.disabled = false;
        setText(this.force, 'Force keep-alive now');
      });
    });
  }
}
