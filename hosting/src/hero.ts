import { h, setData, setText } from './dom';
import { countdown, etTime } from './format';
import { secondsUntil } from './serverClock';
import { STATE_WORDS, needsRenewal, stateAt } from './states';
import type { ConnectionStatus } from './types';

/**
 * The top of the page: how long the production token has until its hard expiry (midnight ET) and
 * until it goes idle, ticking every second, and the one button that matters when it has died.
 */
export class Hero {
  readonly element: HTMLElement;
  private readonly title = h('h2', { id: 'hero-title' });
  private readonly pill = h('span', { className: 'pill', id: 'hero-state' });
  private readonly live = h('div', { className: 'hero-live' });
  private readonly expiryDigits = h('span', {
    className: 'digits big',
    id: 'expiry-countdown',
    role: 'timer',
  });
  private readonly expiryAt = h('p', { className: 'sub', id: 'expiry-at' });
  private readonly idleBox = h('div', { className: 'idle-box' });
  private readonly idleDigits = h('span', { className: 'digits', id: 'idle-countdown', role: 'timer' });
  private readonly idleAt = h('p', { className: 'sub', id: 'idle-at' });
  private readonly dead = h('div', { className: 'hero-dead' });
  private readonly deadTitle = h('p', { className: 'dead-title', id: 'hero-expired' });
  private readonly deadNote = h('p', { className: 'sub' });
  private readonly note = h('p', { className: 'hero-note' });
  private readonly renew = h('button', { type: 'button', id: 'hero-renew', className: 'button' });
  private connection: ConnectionStatus | undefined;

  constructor(onRenew: (connection: ConnectionStatus) => void) {
    this.live.append(
      h('p', { className: 'label', id: 'expiry-label' }, 'Expires in'),
      h('p', { className: 'countdown' }, this.expiryDigits),
      this.expiryAt,
    );
    this.idleBox.append(h('p', { className: 'idle-line' }, 'Goes idle in ', this.idleDigits), this.idleAt);
    this.live.append(this.idleBox);
    this.dead.append(this.deadTitle, this.deadNote);
    this.element = h(
      'section',
      { className: 'hero', id: 'hero', 'aria-labelledby': 'hero-title' },
      h('div', { className: 'head' }, this.title, this.pill),
      this.live,
      this.dead,
      this.note,
      this.renew,
    );
    this.renew.addEventListener('click', () => {
      if (this.connection) onRenew(this.connection);
    });
  }

  update(connection: ConnectionStatus, nowMs: number): void {
    this.connection = connection;
    const state = stateAt(connection, nowMs);
    const words = STATE_WORDS[state];
    setData(this.element, 'state', state);
    setText(this.title, `${connection.label} token`);
    setText(this.pill, words.label);
    setText(this.renew, `Renew ${connection.label} token`);
    this.renew.className = needsRenewal(state) ? 'button primary' : 'button secondary';

    const dead = needsRenewal(state);
    this.live.hidden = dead;
    this.dead.hidden = !dead;
    if (dead) {
      setText(this.deadTitle, state === 'missing' ? 'No token — renew' : 'Expired — renew');
      setText(
        this.deadNote,
        state === 'missing'
          ? 'Log in once to create the token; keep-alive does the rest until midnight ET.'
          : state === 'revoked'
            ? 'This token was revoked. Log in again to trade.'
            : `It ended at ${etTime(connection.expiresAt, nowMs)}. Log in again to trade today.`,
      );
    } else {
      setText(this.expiryDigits, countdown(secondsUntil(connection.expiresAt, nowMs) ?? 0));
      setText(this.expiryAt, `at ${etTime(connection.expiresAt, nowMs)} (midnight US Eastern)`);
      const toIdle = secondsUntil(connection.idleAt, nowMs);
      this.idleBox.hidden = state === 'idle' || toIdle === undefined;
      setText(this.idleDigits, countdown(toIdle ?? 0));
      setText(
        this.idleAt,
        `at ${etTime(connection.idleAt, nowMs)} unless used; keep-alive pushes this back.`,
      );
    }
    const failures = connection.keepAlive.consecutiveFailures;
    const note =
      state === 'idle'
        ? STATE_WORDS.idle.note
        : state === 'failing' || (!dead && failures > 0)
          ? `Keep-alive failed ${failures} time${failures === 1 ? '' : 's'} in a row. Renew if it goes idle.`
          : '';
    setText(this.note, note);
    this.note.hidden = note === '';
  }
}
