import type { Notice, Notifier } from '../ports/notifier';
import { NOTICE_STYLES } from './noticeStyle';

/**
 * Notices as Telegram messages in `parse_mode: 'HTML'`. Only the tags written here are markup; every
 * dynamic value (titles, lines, labels, anything a user typed) goes through `escapeHtml`, so text
 * like `<b>` or `&` can neither break the message (the Bot API refuses unparseable HTML) nor format it.
 */
export interface TelegramMessage {
  readonly html: string;
  /** One inline URL button under the message; its text is plain (Telegram does not parse it). */
  readonly button?: { readonly text: string; readonly url: string };
  /** Telegram's `disable_notification`: delivered without sound. */
  readonly silent: boolean;
}

/** The Telegram channel on its own: notices, plus answers to the chat's commands. Throws ChannelError. */
export interface TelegramChat extends Notifier {
  reply(message: TelegramMessage): Promise<void>;
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

export function noticeMessage(notice: Notice): TelegramMessage {
  const style = NOTICE_STYLES[notice.kind];
  const title = style.loudness === 'urgent' ? notice.title.toUpperCase() : notice.title;
  return {
    html: htmlLines(`${style.emoji} <b>${escapeHtml(title)}</b>`, notice.lines),
    ...(notice.link
      ? { button: { text: shorten(notice.link.text, BUTTON_TEXT_LIMIT), url: notice.link.url } }
      : {}),
    silent: style.loudness === 'quiet',
  };
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
