/**
 * What a message in the configured chat asks for: a command (`/status`, `/pin H92GX prod`,
 * `/status@MyBot`), or a plain message that has the shape of E*TRADE's code (5 letters or digits),
 * which the trader pastes after logging in. Anything else is chatter and is left alone.
 */
export type ChatInput =
  | { readonly kind: 'command'; readonly command: string; readonly args: readonly string[] }
  | { readonly kind: 'code'; readonly code: string };

const CODE_SHAPE = /^[A-Za-z0-9]{5}$/;

export function readChatInput(text: string | undefined): ChatInput | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  if (trimmed.startsWith('/')) {
    const [first, ...args] = trimmed.split(/\s+/);
    if (first.length < 2) return undefined;
    return { kind: 'command', command: first.split('@', 1)[0].toLowerCase(), args: args.slice(0, 4) };
  }
  return CODE_SHAPE.test(trimmed) ? { kind: 'code', code: trimmed } : undefined;
}
