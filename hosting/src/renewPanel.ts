import { ApiError, messageOf, postJson } from './api';
import { h, setText } from './dom';
import { PinForm } from './pinForm';
import { type ServerClock, secondsUntil } from './serverClock';
import { forgetFlow, recallFlow, rememberFlow, type OpenFlow } from './flowMemory';
import { openBlankTab, type PendingTab } from './loginTab';
import type { ConnectionStatus, ExchangedPin, StartedFlow } from './types';

type Target = Pick<ConnectionStatus, 'id' | 'label'>;

export interface RenewDeps {
  readonly clock: ServerClock;
  readonly csrfToken: () => string | undefined;
  /** Re-reads the status after the token changed. */
  readonly refresh: () => Promise<void>;
  /** The server recorded this generation: a status from an older snapshot must not undo it on screen. */
  readonly recorded: (connectionId: string, generation: number) => void;
  readonly signedOut: () => void;
  /** Puts the panel where the connection is shown (the hero for the lead); true when that is the hero. */
  readonly place: (panel: HTMLElement, connectionId: string) => boolean;
  /** The new token is recorded: the panel has collapsed and the page says so where the token is shown. */
  readonly renewed: (connection: Target, done: ExchangedPin) => void;
}

/** Errors after which this login cannot go on: the trader must start a new one. */
const FLOW_OVER = new Set(['ERR_FLOW_EXPIRED', 'ERR_FLOW_EXHAUSTED', 'ERR_FLOW_NOT_FOUND', 'ERR_SUPERSEDED']);

/**
 * The PIN flow: one tap opens E*TRADE's login in a new tab (opened inside the tap, so no pop-up
 * blocker stops it, and sent to E*TRADE once the request token is there); the 5-character code comes
 * back by a paste, which sends it. The flow lives 5 minutes on the server's clock, counted down next
 * to the field. Success collapses the panel: what the token now is, the page around it shows.
 */
export class RenewPanel {
  readonly element: HTMLElement;
  private readonly title = h('h2', { id: 'renew-title' });
  private readonly body = h('div', { className: 'renew-body' });
  private readonly result = h('div', { className: 'result', id: 'renew-result', tabindex: -1 });
  private flow: OpenFlow | undefined;
  private form: PinForm | undefined;
  private returnFocus: HTMLElement | undefined;
  /** A second tap while the first is still asking the server must not open a second tab. */
  private starting = false;

  constructor(private readonly deps: RenewDeps) {
    this.element = h(
      'section',
      { className: 'renew', id: 'renew', 'aria-labelledby': 'renew-title', hidden: true },
      this.title,
      this.body,
      this.result,
    );
    // Back from E*TRADE's tab with the code on the clipboard: the field is where the paste goes.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.focusField();
    });
    window.addEventListener('focus', () => this.focusField());
  }

  /**
   * The renewal a sign-in link from an alert asked for: one tap away. The 5-minute login window
   * starts only with that tap, not when the link is opened.
   */
  ready(connection: Target): void {
    if (this.flow !== undefined || this.starting) return;
    this.show(connection);
    const open = h('button', { type: 'button', className: 'button primary', id: 'renew-open' });
    open.textContent = 'Log in to E*TRADE';
    open.addEventListener('click', () => void this.start(connection));
    this.body.replaceChildren(
      open,
      h(
        'p',
        { className: 'hint' },
        'Opens E*TRADE in a new tab: copy the code there, come back, paste it here.',
      ),
    );
  }

  /** Must be called from the tap itself: the new tab is opened before anything is awaited. */
  async start(connection: Target): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    const tab = openBlankTab();
    try {
      await this.startFlow(connection, tab);
    } finally {
      this.starting = false;
    }
  }

  private async startFlow(connection: Target, tab: PendingTab | undefined): Promise<void> {
    const invoker = document.activeElement;
    if (invoker instanceof HTMLElement && !this.element.contains(invoker)) this.returnFocus = invoker;
    this.flow = undefined;
    forgetFlow();
    this.show(connection);
    this.body.replaceChildren(h('p', { className: 'working' }, 'Opening E*TRADE…'));
    let started: StartedFlow;
    try {
      started = await postJson<StartedFlow>(
        '/api/request-token',
        { connection: connection.id },
        this.deps.csrfToken(),
      );
    } catch (error) {
      tab?.close();
      if (error instanceof ApiError && error.status === 401) return this.deps.signedOut();
      this.recoverCsrf(error);
      return this.end(messageOf(error), connection, 'Try again');
    }
    if (!isWebUrl(started.authorizeUrl)) {
      tab?.close();
      return this.end('The server sent an unusable E*TRADE login address.', connection, 'Try again');
    }
    this.flow = { ...started, label: connection.label };
    rememberFlow(this.flow);
    tab?.go(started.authorizeUrl);
    this.showPinStep(this.flow);
  }

  /** Re-opens a flow this tab started before it was reloaded (phones reload background tabs). */
  resume(nowMs: number): boolean {
    const flow = recallFlow();
    if (flow === undefined || (secondsUntil(flow.expiresAt, nowMs) ?? 0) <= 0) {
      forgetFlow();
      return false;
    }
    this.flow = flow;
    this.show({ id: flow.connectionId, label: flow.label });
    this.showPinStep(flow);
    return true;
  }

  tick(nowMs: number): void {
    if (this.flow === undefined || this.form === undefined) return;
    const left = secondsUntil(this.flow.expiresAt, nowMs) ?? 0;
    this.form.showTimeLeft(left);
    if (left <= 0) {
      const { connectionId: id, label } = this.flow;
      this.end('The 5-minute login window closed before a code was sent. Start again.', { id, label });
    }
  }

  private show(connection: Target): void {
    const inHero = this.deps.place(this.element, connection.id);
    this.element.classList.toggle('panel', !inHero);
    this.title.hidden = inHero;
    setText(this.title, `Renew ${connection.label} token`);
    this.result.hidden = true;
    this.result.replaceChildren();
    this.element.hidden = false;
  }

  private showPinStep(flow: OpenFlow): void {
    const form = new PinForm({ onSubmit: (pin) => void this.exchange(flow, pin, form) });
    this.form = form;
    const link = h(
      'a',
      { href: flow.authorizeUrl, target: '_blank', rel: 'noopener noreferrer', id: 'open-etrade' },
      'Open E*TRADE login',
    );
    const cancel = h('button', { type: 'button', className: 'link' }, 'Cancel');
    cancel.addEventListener('click', () => this.close());
    this.body.replaceChildren(
      form.element,
      // The login again as a plain link: for a blocked pop-up, or an E*TRADE tab closed too soon.
      h('p', { className: 'renew-links' }, link, cancel),
    );
    this.tick(this.deps.clock.now());
    form.input.focus();
  }

  private focusField(): void {
    const input = this.form?.input;
    if (input?.isConnected && !this.element.contains(document.activeElement)) input.focus();
  }

  private async exchange(flow: OpenFlow, pin: string, form: PinForm): Promise<void> {
    form.setBusy(true);
    try {
      const done = await postJson<ExchangedPin>(
        '/api/exchange-pin',
        { flowId: flow.flowId, pin },
        this.deps.csrfToken(),
      );
      this.succeed(flow, done);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return this.deps.signedOut();
      this.recoverCsrf(error);
      const connection = { id: flow.connectionId, label: flow.label };
      if (error instanceof ApiError && FLOW_OVER.has(error.code)) return this.end(error.message, connection);
      if (error instanceof ApiError && error.code === 'ERR_VERIFIER_REJECTED') {
        const left = error.details.attemptsLeft;
        if (left === 0) return this.end('Code not accepted, and that was the last try.', connection);
        if (typeof left === 'number') return form.reject(`Code not accepted — ${triesLeft(left)}.`);
      }
      // Anything else leaves this login open: the same code may be sent again.
      form.reject(messageOf(error));
    }
  }

  private succeed(flow: OpenFlow, done: ExchangedPin): void {
    forgetFlow();
    this.collapse();
    this.deps.recorded(done.connectionId, done.generation);
    this.deps.renewed({ id: flow.connectionId, label: flow.label }, done);
    void this.deps.refresh();
  }

  /** This login is over; offer a new one (the button's tap is a fresh gesture for the new tab). */
  private end(text: string, connection: Target, again = 'Start again'): void {
    forgetFlow();
    this.flow = undefined;
    this.form = undefined;
    const restart = h('button', { type: 'button', className: 'button primary' }, again);
    restart.addEventListener('click', () => void this.start(connection));
    const cancel = h('button', { type: 'button', className: 'button ghost' }, 'Cancel');
    cancel.addEventListener('click', () => this.close());
    this.body.replaceChildren();
    this.result.className = 'result error';
    this.result.replaceChildren(
      h('p', { className: 'result-text' }, text),
      h('div', { className: 'actions' }, restart, cancel),
    );
    this.result.hidden = false;
    this.result.focus();
  }

  /** A stale CSRF token (the session was renewed elsewhere): fetch the current one for the retry. */
  private recoverCsrf(error: unknown): void {
    if (error instanceof ApiError && error.code === 'ERR_CSRF') void this.deps.refresh();
  }

  private collapse(): void {
    this.flow = undefined;
    this.form = undefined;
    this.element.hidden = true;
    this.body.replaceChildren();
    this.result.replaceChildren();
    this.deps.place(this.element, '');
  }

  private close(): void {
    forgetFlow();
    this.collapse();
    const target = this.returnFocus?.isConnected ? this.returnFocus : document.getElementById('hero-renew');
    target?.focus();
  }
}

function triesLeft(left: number): string {
  return `${left} ${left === 1 ? 'try' : 'tries'} left`;
}

/** The authorize URL becomes a link: only http(s), never `javascript:` or the like. */
function isWebUrl(value: unknown): value is string {
  try {
    return typeof value === 'string' && ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
