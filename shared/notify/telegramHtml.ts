import type { Notice, NoticeButton, Notifier } from '../ports/notifier';
import { NOTICE_STYLES } from './noticeStyle';

/**
 * Notices as Telegram messages in `parse_mode: 'HTML'`. Only the tags written here are markup; every
 * dynamic value (titles, lines, labels, anything a user typed) goes through `escapeHtml`, so text
 * like `<b>` or `&` can neither break the message (the Bot API refuses unparseable HTML) nor format it.
 */
export interface TelegramMessage {
  readonly html: string;
  /** Inline URL buttons under the message, one per row; their text is plain (Telegram does not parse it). */
  readonly buttons?: readonly NoticeButton[];
  /** Telegram's `disable_notification`: delivered without sound. */
  readonly silent: boolean;
}

/**
 * The Telegram chat on its own: notices, plus answers to the chat's commands, and the message edits
 * and deletions that keep the chat true (alerts edited once done, pasted codes deleted). Every
 * method throws ChannelError.
 */
export interface TelegramChat extends Notifier {
  /** A notice, shown with the chat's links. */
  send(notice: Notice): Promise<void>;
  /** Sends to the configured chat; resolves with the new message's id (0 when Telegram is not set up). */
  reply(message: TelegramMessage): Promise<number>;
  /** Replaces a sent message's text and buttons (no buttons: the keyboard is removed). */
  edit(messageId: number, message: TelegramMessage): Promise<void>;
  /** Deletes a message in the configured chat (the bot's own, or a pasted code where it may). */
  remove(messageId: number): Promise<void>;
}

/** Telegram takes 4,096 characters after entity parsing; counting the escaped HTML stays under it. */
const BUDGET = 3900;
/** Telegram's limit on a button's text is generous, but a phone shows about this much. */
const BUTTON_TEXT_LIMIT = 64;

/** The four characters Telegram's HTML parser treats specially, as named entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ENTITIES[char as keyof typeof ENTITIES]);
}
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' } as const;

/**
 * A notice whose links are made (`buttons`) as one message. Telegram refuses inline buttons to a
 * loopback or dotless host ("Wrong HTTP URL"): the local system's links (http://127.0.0.1) are then
 * written as text under a line that says why, so a developer's chat still gets them.
 */
export function noticeMessage(notice: Notice): TelegramMessage {
  const style = NOTICE_STYLES[notice.kind];
  const title = style.loudness === 'urgent' ? notice.title.toUpperCase() : notice.title;
  const heading = `${style.emoji} <b>${escapeHtml(title)}</b>`;
  const buttons = (notice.buttons ?? []).map((button) => ({
    text: shorten(button.text, BUTTON_TEXT_LIMIT),
    url: button.url,
  }));
  const silent = style.loudness === 'quiet';
  if (buttons.every((button) => acceptsButtonUrl(button.url))) {
    return { html: htmlLines(heading, notice.lines), ...(buttons.length > 0 ? { buttons } : {}), silent };
  }
  const local = [
    `Local mode: Telegram does not take buttons to ${new URL(buttons[0].url).origin}, so the links are below as text; open them on this computer.`,
    ...buttons.map((button) => `${button.text}: ${button.url}`),
  ];
  return { html: htmlLines(heading, [...notice.lines, ...local]), silent };
}

/**
 * Whether Telegram takes `url` on an inline button: http(s) to a public-looking host. Loopback
 * addresses, `localhost` and hosts without a dot are refused by the Bot API (BUTTON_URL_INVALID).
 */
export function acceptsButtonUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return false;
  if (/^127(\.\d{1,3}){3}$/.test(host) || host === '0.0.0.0') return false;
  return host.includes('.');
}

/** A bold heading and plain lines, escaped, cut to fit one message (whole lines, then an ellipsis). */
export function htmlLines(heading: string, lines: readonly string[]): string {
  let html = heading;
  for (const [index, line] of lines.entries()) {
    const next = `${html}\n${escapeHtml(line)}`;
    if (next.length > BUDGET) {
      return `${html}\n… ${lines.length - index} more line(s)`;
    }
    html = next;
  }
  return html;
}

/** At most `max` characters, cut between code points (a split surrogate pair is not valid UTF-8). */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
