import { byId, h } from './dom';

export type Tone = 'info' | 'success' | 'error';

/**
 * Writes a message into a polite live region: by default the page's own (#messages, in the HTML
 * from the start so screen readers watch it), or a panel's, so the words appear next to the button
 * that caused them. Replacing the content is what gets announced.
 */
export function say(text: string, tone: Tone = 'info', region: HTMLElement = byId('messages')): HTMLElement {
  const message = h('p', { className: `message ${tone}` }, text);
  region.replaceChildren(message);
  return message;
}

export function clearMessages(region: HTMLElement = byId('messages')): void {
  region.replaceChildren();
}

/** A panel's own live region; it must be in the document before its first message. */
export function liveRegion(id: string): HTMLElement {
  return h('div', { className: 'messages', id, role: 'status', 'aria-live': 'polite' });
}
