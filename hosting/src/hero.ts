import { h, setData, setText } from './dom';
import { ConnectionFacts } from './facts';
import { countdown, etMonth, etTime } from './format';
import { secondsUntil } from './serverClock';
import { STATE_WORDS, needsRenewal, stateAt } from './states';
import type { ConnectionStatus } from './types';

/**
 * The top of the page, all about the production token: how long it has until its hard expiry
 * (midnight ET) and until it goes idle, ticking every second, the one button that matters when it
 * has died, and the renewal itself when one is under way. Everything about this connection is here
 * and nowhere else on the page.
 */
export class Hero {
  readonly element: HTMLElement;
  private readonly title = h('h2', { id: 'hero-title' });
  private readonly pill = h('span', { className: 'pill', id: 'hero-state' });
  /** "Renewed." after this page's renewal: focus goes here so a screen reader says it. */
  private readonly done = h('p', { className: 'done', id: 'renew-done', tabindex: -1, hidden: true });
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
  private readonly deadNote = h('p', { className: 'sub', id: 'hero-dead-note' });
  private readonly note = h('p', { className: 'hero-note' });
  private readonly renew = h('button', { type: 'button', id: 'hero-renew', className: 'button' });
  private readonly facts = new ConnectionFacts({ deadlines: false });
  private readonly keyWarning = h('p', { className: 'warn', id: 'hero-key' });
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
      this.done,
      this.live,
      this.dead,
      this.note,
      this.renew,
      this.facts.element,
      this.keyWarning,
    );
    this.renew.addEventListener('click', () => {
      if (this.connection) onRenew(this.connection);
    });
  }

  get connectionId(): string | undefined {
    return this.connection?.id;
  }

  /** The renewal panel takes the renew button's place while it is open. */
  host(panel: HTMLElement): void {
    if (panel.parentElement !== this.element) this.renew.before(panel);
    this.element.dataset.renewing = 'true';
    this.done.hidden = true;
  }

  unhost(): void {
    delete this.element.dataset.renewing;
  }

  /** The panel has collapsed after a renewal: the countdowns below are the new token's. */
  showDone(text: string): void {
    setText(this.done, text);
    this.done.hidden = false;
    this.done.focus();
  }

  update(connection: ConnectionStatus, nowMs: number): void {
    this.connection = connection;
    const state = stateAt(connection, nowMs);
    const words = STATE_WORDS[state];
    const dead = needsRenewal(state);
    setData(this.element, 'state', state);
    setText(this.title, `${connection.label} token`);
    // A dead token's big title already names its state.
    this.pill.hidden = dead;
    setText(this.pill, words.label);
    setText(this.renew, `Renew ${connection.label} token`);
    this.renew.className = dead ? 'button primary' : 'button secondary';

    this.live.hidden = dead;
    this.dead.hidden = !dead;
    // "Renewed." belongs to a live token; once it has died (midnight) it would contradict the title.
    if (dead) this.done.hidden = true;
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
      setText(this.idleAt, `at ${etTime(connection.idleAt, nowMs)} unless used`);
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
    this.facts.update(connection, state, nowMs);
    const key = connection.consumerKey;
    this.keyWarning.hidden = !key?.warn;
    setText(
      this.keyWarning,
      key?.warn
        ? `Consumer key is ${key.ageMonths} months old; E*TRADE lapses it around ${etMonth(key.lapsesAround)}.`
        : '',
    );
  }
}
