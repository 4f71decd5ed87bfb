/**
 * Telegram's `parse_mode: 'HTML'` rules, strictly (https://core.telegram.org/bots/api#html-style):
 * only the listed tags, properly nested and closed; `<`, `>` and `&` outside tags must be written as
 * `&lt;`, `&gt;`, `&amp;` (also `&quot;` and numeric entities). Returns the plain text Telegram would
 * show, or the reason it would refuse the message with "can't parse entities".
 */
const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export type ParsedHtml = { ok: true; text: string } | { ok: false; error: string };

export function parseTelegramHtml(html: string): ParsedHtml {
  const open: string[] = [];
  let text = '';
  let at = 0;
  while (at < html.length) {
    const rest = html.slice(at);
    const char = html[at];
    if (char === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/.exec(rest);
      if (!tag) return { ok: false, error: `Unexpected character "<" at byte offset ${at}` };
      const [whole, closing, rawName] = tag;
      const name = rawName.toLowerCase();
      if (!TAGS.has(name))
        return { ok: false, error: `Unsupported start tag "${name}" at byte offset ${at}` };
      if (closing) {
        if (open.pop() !== name) return { ok: false, error: `Unexpected end tag at byte offset ${at}` };
      } else {
        open.push(name);
      }
      at += whole.length;
    } else if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/.exec(rest);
      if (!entity) return { ok: false, error: `Character entity expected at byte offset ${at}` };
      const name = entity[1];
      text +=
        NAMED[name] ?? String.fromCodePoint(Number(name[1] === 'x' ? `0${name.slice(1)}` : name.slice(1)));
      at += entity[0].length;
    } else if (char === '>') {
      return { ok: false, error: `Unexpected character ">" at byte offset ${at}` };
    } else {
      text += char;
      at += 1;
    }
  }
  if (open.length > 0) {
    return { ok: false, error: `Can't find end tag corresponding to start tag "${open[open.length - 1]}"` };
  }
  return { ok: true, text };
}
