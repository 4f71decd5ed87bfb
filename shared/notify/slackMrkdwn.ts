import type { Notice } from '../ports/notifier';
import { NOTICE_STYLES } from './noticeStyle';
import { shorten } from './telegramHtml';

/**
 * Notices as a Slack incoming-webhook payload. Slack's mrkdwn treats only `&`, `<` and `>` as
 * control characters (`<…>` is a link or a mention), so every dynamic value is escaped for exactly
 * those; an unescaped `<!channel>` in a label would otherwise ping everyone.
 */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** Slack would fetch the link for a preview, spending the single-use sign-in link. */
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: { readonly type: 'plain_text'; readonly text: string } }
  | {
      readonly type: 'section';
      readonly text: { readonly type: 'mrkdwn' | 'plain_text'; readonly text: string };
    }
  | {
      readonly type: 'actions';
      readonly elements: readonly {
        readonly type: 'button';
        readonly text: { readonly type: 'plain_text'; readonly text: string };
        readonly url: string;
        readonly style?: 'primary' | 'danger';
      }[];
    };

/** Slack's limits: 150 characters in a header, 3,000 in a section, 75 in a button's text. */
const HEADER_LIMIT = 150;
const SECTION_LIMIT = 3000;
const BUTTON_TEXT_LIMIT = 75;

export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => ENTITIES[char as keyof typeof ENTITIES]);
}
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' } as const;

/**
 * The title is a header and the lines a plain-text section: Slack formats neither, so a label with
 * `*` or `_` (or "E*TRADE" twice on a line) cannot turn bold. Only the fallback `text`, which Slack
 * reads as mrkdwn, needs escaping. An urgent notice also calls the channel (`<!here>`).
 */
export function slackPayload(notice: Notice): SlackPayload {
  const style = NOTICE_STYLES[notice.kind];
  const urgent = style.loudness === 'urgent';
  const title = `${style.emoji} ${notice.title}`;
  const blocks: SlackBlock[] = [plain('header', shorten(title, HEADER_LIMIT))];
  if (urgent) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: HERE } });
  if (notice.lines.length > 0) blocks.push(plain('section', shorten(notice.lines.join('\n'), SECTION_LIMIT)));
  const fallback = [...(urgent ? [HERE] : []), title, ...notice.lines].map((line, i) =>
    urgent && i === 0 ? line : escapeMrkdwn(line),
  );
  const buttons = notice.buttons ?? [];
  if (buttons.length > 0) {
    blocks.push({
      type: 'actions',
      elements: buttons.map((button) => ({
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: shorten(button.text, BUTTON_TEXT_LIMIT) },
        url: button.url,
        ...(urgent ? { style: 'danger' as const } : {}),
      })),
    });
    // `|` and `>` in the URL would end the link early.
    for (const button of buttons) {
      fallback.push(`<${button.url.replace(/[|<>]/g, encodeURIComponent)}|${escapeMrkdwn(button.text)}>`);
    }
  }
  return {
    text: shorten(fallback.join('\n'), SECTION_LIMIT),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

const HERE = '<!here>';

function plain<T extends 'header' | 'section'>(type: T, text: string) {
  return { type, text: { type: 'plain_text' as const, text } };
}
