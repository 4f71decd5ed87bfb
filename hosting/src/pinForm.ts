import { h, setText } from './dom';
import { countdown } from './format';
import { PIN_LENGTH, caretAfterCleaning, readPin } from './pin';

export interface PinFormOptions {
  /** "08:35 ET": when the login closes, for the line under the field. */
  readonly until: string;
  readonly onSubmit: (pin: string) => void;
  readonly onCancel: () => void;
}

/**
 * The field for E*TRADE's 5-character code: upper-cases as typed, drops pasted spaces, says at once
 * what cannot be part of a code, and enables its button only at 5 valid characters.
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
  private readonly problem = h('p', { className: 'problem', id: 'pin-problem', hidden: true });
  private readonly submit = h('button', { type: 'submit', className: 'button primary', id: 'pin-submit' });
  private readonly timer = h('span', { className: 'digits', id: 'flow-countdown', role: 'timer' });
  private busy = false;

  constructor(options: PinFormOptions) {
    const cancel = h('button', { type: 'button', className: 'button ghost' }, 'Cancel');
    this.element = h(
      'form',
      { className: 'pin-form', novalidate: true },
      h('label', { for: 'pin' }, 'Code from E*TRADE'),
      this.input,
      h(
        'p',
        { className: 'hint', id: 'pin-hint' },
        `${PIN_LENGTH} letters or digits, like H92GX · `,
        this.counter,
      ),
      this.problem,
      h('p', { className: 'flow-timer' }, 'Time left to enter it: ', this.timer, ` (until ${options.until})`),
      h('div', { className: 'actions' }, this.submit, cancel),
    );
    this.setBusy(false);
    this.input.addEventListener('input', () => this.validate());
    cancel.addEventListener('click', options.onCancel);
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      const pin = this.validate();
      if (pin.complete && !this.busy) options.onSubmit(pin.value);
    });
  }

  /** Seconds the login has left; the line turns urgent in the last minute. */
  showTimeLeft(seconds: number): void {
    setText(this.timer, countdown(seconds));
    this.timer.parentElement?.classList.toggle('hurry', seconds <= 60);
  }

  /** While the code is being checked the button says so and cannot be pressed twice. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    setText(this.submit, busy ? 'Checking…' : 'Renew token');
    this.validate();
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
    this.problem.hidden = pin.problem === undefined;
    setText(this.problem, pin.problem ?? '');
    this.input.setAttribute('aria-invalid', String(pin.problem !== undefined));
    this.submit.disabled = this.busy || !pin.complete;
    return pin;
  }
}
