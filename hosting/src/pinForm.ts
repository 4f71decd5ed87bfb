import { h, setText } from './dom';
import { countdown } from './format';
import { PIN_LENGTH, caretAfterCleaning, readPin } from './pin';

export interface PinFormOptions {
  readonly onSubmit: (pin: string) => void;
}

/** How a paste reaches the field (InputEvent.inputType); typing is every other kind. */
const PASTED = new Set(['insertFromPaste', 'insertFromDrop']);

/**
 * The field for E*TRADE's 5-character code: upper-cases as typed, drops pasted spaces, says at once
 * what cannot be part of a code, and enables its button only at 5 valid characters. A pasted valid
 * code is sent at once (the trader copied it from E*TRADE: nothing left to check); a typed one waits
 * for the button, so a half-typed code is never sent on the fifth keystroke by surprise.
 */
export class PinForm {
  readonly element: HTMLFormElement;
  readonly input = h('input', {
    id: 'pin',
    name: 'pin',
    type: 'text',
    inputmode: 'text',
    autocomplete: 'one-time-code',
    autocapitalize: 'characters',
    autocorrect: 'off',
    spellcheck: 'false',
    enterkeyhint: 'go',
    'aria-describedby': 'pin-hint pin-problem',
    className: 'pin-input',
  });
  private readonly counter = h('span', { id: 'pin-count' }, `0 of ${PIN_LENGTH}`);
  private readonly problem = h('p', {
    className: 'problem',
    id: 'pin-problem',
    'aria-live': 'polite',
    hidden: true,
  });
  private readonly submit = h('button', { type: 'submit', className: 'button primary', id: 'pin-submit' });
  private readonly timer = h('span', { className: 'digits', id: 'flow-countdown', role: 'timer' });
  private readonly timerLine = h('span', { className: 'flow-timer' }, this.timer, ' left');
  /** The server's verdict on the last code sent; cleared as soon as the field changes. */
  private rejection: string | undefined;
  private busy = false;

  constructor(private readonly options: PinFormOptions) {
    this.element = h(
      'form',
      { className: 'pin-form', novalidate: true },
      h('div', { className: 'pin-label' }, h('label', { for: 'pin' }, 'Code from E*TRADE'), this.timerLine),
      this.input,
      h(
        'p',
        { className: 'hint', id: 'pin-hint' },
        `${PIN_LENGTH} letters or digits, like H92GX · `,
        this.counter,
      ),
      this.problem,
      this.submit,
    );
    this.setBusy(false);
    this.input.addEventListener('input', (event) => {
      this.rejection = undefined;
      const pin = this.validate();
      if (PASTED.has((event as InputEvent).inputType) && pin.complete) this.send(pin.value);
    });
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      const pin = this.validate();
      if (pin.complete) this.send(pin.value);
    });
  }

  /** Seconds the login has left; the line turns urgent in the last minute. */
  showTimeLeft(seconds: number): void {
    setText(this.timer, countdown(seconds));
    this.timerLine.classList.toggle('hurry', seconds <= 60);
  }

  /** While the code is being checked the button says so and cannot be pressed twice. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    setText(this.submit, busy ? 'Checking…' : 'Renew token');
    this.validate();
  }

  /**
   * E*TRADE did not take the code: says so under the field, and selects what is there so that the
   * next paste replaces it.
   */
  reject(words: string): void {
    this.rejection = words;
    this.setBusy(false);
    this.input.focus();
    this.input.select();
  }

  private send(pin: string): void {
    if (this.busy) return;
    this.options.onSubmit(pin);
  }

  private validate() {
    const raw = this.input.value;
    const pin = readPin(raw);
    if (pin.value !== raw) {
      const caret = caretAfterCleaning(raw, this.input.selectionStart ?? raw.length);
      this.input.value = pin.value;
      this.input.setSelectionRange(caret, caret);
    }
    setText(this.counter, `${pin.value.length} of ${PIN_LENGTH}`);
    const problem = pin.problem ?? this.rejection;
    this.problem.hidden = problem === undefined;
    setText(this.problem, problem ?? '');
    this.input.setAttribute('aria-invalid', String(problem !== undefined));
    this.submit.disabled = this.busy || !pin.complete;
    return pin;
  }
}
