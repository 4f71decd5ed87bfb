import { readFileSync } from 'node:fs';
import { clientMessageFor } from '../../shared/http/errorMapping';
import { NOTICE_STYLES } from '../../shared/notify/noticeStyle';
import { noticeMessage } from '../../shared/notify/telegramHtml';
import { RETRY_HELPS } from '../../shared/pinflow/notices';
import { NOTICE_KINDS } from '../../shared/ports/notifier';
import { parseTelegramHtml } from '../fakes/telegramHtmlParser';
import { presentedSamples } from '../support/sampleNotices';

/** docs/alerts.md's tables, cell by cell, markdown escapes undone. */
function table(doc: string, heading: string): string[][] {
  const section = doc.slice(doc.indexOf(`## ${heading}`));
  const end = section.indexOf('\n## ', 4);
  return (end > 0 ? section.slice(0, end) : section)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim().replace(/\\\*/g, '*')),
    );
}

const doc = readFileSync('docs/alerts.md', 'utf8');

describe('docs/alerts.md says what the code sends', () => {
  it('"Every message": each kind once, its Telegram text, sound and buttons as sent', async () => {
    const chat = await presentedSamples('chat', 'Live');
    const page = await presentedSamples('page', 'Live');
    const rows = table(doc, 'Every message');
    expect(rows.map(([kind]) => kind)).toEqual(NOTICE_KINDS.map((kind) => `\`${kind}\``));
    for (const [cell, sound, text, telegramButtons, pageButtons] of rows) {
      const kind = cell.slice(1, -1) as (typeof NOTICE_KINDS)[number];
      const message = noticeMessage(chat[kind]);
      const parsed = parseTelegramHtml(message.html);
      if (!parsed.ok) throw new Error(parsed.error);
      const names = (buttons: readonly { text: string }[] | undefined) =>
        buttons?.map((b) => b.text).join(', ') || '—';
      expect({ kind, sound, text, telegramButtons, pageButtons }).toEqual({
        kind,
        sound: NOTICE_STYLES[kind].loudness,
        text: parsed.text.split('\n').join('<br>'),
        telegramButtons: names(message.buttons),
        pageButtons: names(page[kind].buttons),
      });
    }
  });

  it('"A failed renewal": each code’s words are the API’s, and its button is there where it helps', () => {
    const rows = table(doc, 'A failed renewal: one cause, one wording');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const [cell, words, button] of rows) {
      const code = cell.slice(1, -1);
      expect({ code, words, button }).toEqual({
        code,
        words: clientMessageFor(code),
        button: RETRY_HELPS.has(code) ? 'yes' : 'no',
      });
    }
  });
});
