import { ApiError, messageOf, postJson } from './api';
import { h, setText } from './dom';
import { etTime, isComingMidnight } from './format';
import { PIN_LENGTH } from './pin';
import { PinForm } from './pinForm';
import { type ServerClock, secondsUntil } from './serverClock';
import { forgetFlow, recallFlow, rememberFlow, type OpenFlow } from './flowMemory';
import type { ConnectionStatus, ExchangedPin, StartedFlow } from './types';

export interface RenewDeps {
  readonly clock: ServerClock;
  readonly csrfToken: () => string | undefined;
  /** Re-reads the status after the token changed. */
  readonly refresh: () => Promise<void>;
  /** The server recorded this generation: a status from an older snapshot must not undo it on screen. */
  readonly recorded: (connectionId: string, generation: number) => void;
  readonly signedOut: () => void;
}

/** Errors after which this login cannot go on: the trader must start a new one. */
const FLOW_OVER = new Set(['ERR_FLOW_EXPIRED', 'ERR_FLOW_EXHAUSTED', 'ERR_FLOW_NOT_FOUND', 'ERR_SUPERSEDED']);

/**
 * The PIN flow: ask for a request token, open E*TRADE's login in a new tab, take the 5-character
 * code back, exchange it. The flow lives 5 minutes on the server's clock; its countdown shows that.
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
      { className: 'panel renew', id: 'renew', 'aria-labelledby': 'renew-title', hidden: true },
      this.title,
      this.body,
      this.result,
    );
  }

  /** Called from a click, so the browser lets the new tab open. */
  async start(connection: Pick<ConnectionStatus, 'id' | 'label'>): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    try {
      await this.startFlow(connection);
    } finally {
      this.starting = false;
    }
  }

  private async startFlow(connection: Pick<ConnectionStatus, 'id' | 'label'>): Promise<void> {
    const invoker = document.activeElement;
    if (invoker instanceof HTMLElement && !this.element.contains(invoker)) this.returnFocus = invoker;
    this.flow = undefined;
    forgetFlow();
    this.show(connection.label);
    this.body.replaceChildren(h('p', { className: 'working' }, 'Asking E*TRADE for a login page…'));
    let started: StartedFlow;
    try {
      started = await postJson<StartedFlow>(
        '/api/request-token',
        { connection: connection.id },
        this.deps.csrfToken(),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return this.deps.signedOut();
      this.recoverCsrf(error);
      this.body.replaceChildren();
      return this.end(`${messageOf(error)}`, connection, 'Try again');
    }
    if (!isWebUrl(started.authorizeUrl)) {
      this.body.replaceChildren();
      return this.end('The server sent an unusable E*TRADE login address.', connection, 'Try again');
    }
    this.flow = { ...started, label: connection.label };
    rememberFlow(this.flow);
    // 'noopener' makes window.open return null even when the tab opened, so a blocked pop-up cannot
    // be detected: the same URL is always offered as a link right next to the PIN field.
    window.open(started.authorizeUrl, '_blank', 'noopener');
    this.showPinStep(this.flow);
  }

  /** Re-opens a flow this tab started before it was reloaded (phones reload background tabs). */
  resume(nowMs: number): void {
    const flow = recallFlow();
    if (flow === undefined || (secondsUntil(flow.expiresAt, nowMs) ?? 0) <= 0) return forgetFlow();
    this.flow = flow;
    this.show(flow.label);
    this.showPinStep(flow, { focus: false });
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

  private show(label: string): void {
    // The hero's own renew button steps back while this panel is the way to renew (app.css).
    document.body.dataset.renewing = 'true';
    setText(this.title, `Renew ${label} token`);
    this.result.hidden = true;
    this.result.replaceChildren();
    this.element.hidden = false;
  }

  private showPinStep(flow: OpenFlow, options = { focus: true }): void {
    const form = new PinForm({
      until: etTime(flow.expiresAt, this.deps.clock.now()),
      onSubmit: (pin) => void this.exchange(flow, pin, form),
      onCancel: () => this.close(),
    });
    this.form = form;
    const link = h(
      'a',
      {
        className: 'button secondary',
        href: flow.authorizeUrl,
        target: '_blank',
        rel: 'noopener noreferrer',
      },
      'Open E*TRADE login',
    );
    this.body.replaceChildren(
      h(
        'ol',
        { className: 'steps' },
        h('li', {}, 'Log in to E*TRADE in the new tab. No new tab? ', link),
        h('li', {}, `Copy the ${PIN_LENGTH}-character code E*TRADE shows and enter it below.`),
      ),
      form.element,
    );
    this.tick(this.deps.clock.now());
    if (options.focus) form.input.focus();
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
      if (error instanceof ApiError && FLOW_OVER.has(error.code)) {
        return this.end(error.message, { id: flow.connectionId, label: flow.label });
      }
      form.setBusy(false);
      const retry =
        error instanceof ApiError && error.status === 422
          ? ' This login is still open, so there is no need to start again.'
          : '';
      this.report('error', `${messageOf(error)}${retry}`);
    }
  }

  private succeed(flow: OpenFlow, done: ExchangedPin): void {
    forgetFlow();
    delete document.body.dataset.renewing;
    this.flow = undefined;
    this.form = undefined;
    const nowMs = this.deps.clock.now();
    const close = h('button', { type: 'button', className: 'button secondary' }, 'Done');
    close.addEventListener('click', () => this.close());
    this.body.replaceChildren();
    const until = isComingMidnight(done.expiresAt, nowMs) ? 'midnight ET' : etTime(done.expiresAt, nowMs);
    this.report(
      'success',
      `Token renewed — valid until ${until}; keep-alive will keep it active.`,
      h('p', {}, `${flow.label} is now on generation ${done.generation}.`),
      ...(done.warnings ?? []).map((warning) => h('p', { className: 'warn' }, warning)),
      close,
    );
    this.deps.recorded(done.connectionId, done.generation);
    void this.deps.refresh();
  }

  /** This login is over; offer a new one (the button click is a fresh gesture for the new tab). */
  private end(text: string, connection: Pick<ConnectionStatus, 'id' | 'label'>, again = 'Start again'): void {
    forgetFlow();
    this.flow = undefined;
    this.form = undefined;
    const restart = h('button', { type: 'button', className: 'button primary' }, again);
    restart.addEventListener('click', () => void this.start(connection));
    const cancel = h('button', { type: 'button', className: 'button ghost' }, 'Cancel');
    cancel.addEventListener('click', () => this.close());
    this.body.replaceChildren();
    this.report('error', text, h('div', { className: 'actions' }, restart, cancel));
  }

  /** A stale CSRF token (the session was renewed elsewhere): fetch the current one for the retry. */
  private recoverCsrf(error: unknown): void {
    if (error instanceof ApiError && error.code === 'ERR_CSRF') void this.deps.refresh();
  }

  /** Shows the outcome and moves focus to it, so it is read out and seen first. */
  private report(tone: 'success' | 'error', text: string, ...more: Node[]): void {
    this.result.className = `result ${tone}`;
    this.result.replaceChildren(h('p', { className: 'result-text' }, text), ...more);
    this.result.hidden = false;
    this.result.focus();
  }

  private close(): void {
    forgetFlow();
    this.flow = undefined;
    this.form = undefined;
    this.element.hidden = true;
    delete document.body.dataset.renewing;
    this.body.replaceChildren();
    this.result.replaceChildren();
    const target = this.returnFocus?.isConnected ? this.returnFocus : document.getElementById('hero-renew');
    target?.focus();
  }
}

/** The authorize URL becomes a link: only http(s), never `javascript:` or the like. */
function isWebUrl(value: unknown): value is string {
  try {
    return typeof value === 'string' && ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
