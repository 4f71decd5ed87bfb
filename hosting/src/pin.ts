// The E*TRADE verification code ("PIN"): 5 characters, letters and digits, shown upper-case.

export const PIN_LENGTH = 5;

export interface PinInput {
  /** What the field should show: upper-cased, spaces removed. */
  readonly value: string;
  /** Ready to send. */
  readonly complete: boolean;
  /** Words for the trader when what was typed cannot be a code; undefined while it still can. */
  readonly problem?: string;
}

/** Spaces and line breaks come with pasted text; they are dropped rather than reported. */
export function readPin(raw: string): PinInput {
  const value = raw.replace(/\s+/g, '').toUpperCase();
  const stray = value.replace(/[A-Z0-9]/g, '');
  if (stray !== '') {
    return { value, complete: false, problem: `Only letters A–Z and digits 0–9. Remove “${stray[0]}”.` };
  }
  if (value.length > PIN_LENGTH) {
    return {
      value,
      complete: false,
      problem: `The code has ${PIN_LENGTH} characters; this has ${value.length}.`,
    };
  }
  return { value, complete: value.length === PIN_LENGTH };
}

/** Where the caret belongs after `readPin` removed the spaces before it. */
export function caretAfterCleaning(raw: string, caret: number): number {
  return raw.slice(0, caret).replace(/\s+/g, '').length;
}
