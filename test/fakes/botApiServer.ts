import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultQueue, readBody } from './httpFaults';
import { parseTelegramHtml } from './telegramHtmlParser';

/** One request as the fake received it: the token from the path, the method, the JSON body. */
export interface BotApiRequest {
  readonly token: string;
  readonly method: string;
  readonly body: Record<string, unknown>;
}

export interface BotApiServerOptions {
  /** Tokens the fake accepts; any other is 401 Unauthorized, as Telegram answers. */
  readonly tokens: readonly string[];
  /** Chats the bot can write to; any other is 400 "chat not found". */
  readonly chats: readonly (string | number)[];
}

const BOT = { id: 7000000001, is_bot: true, first_name: 'Token Bot', username: 'etrade_token_bot' };
const TEXT_LIMIT = 4096;

/**
 * A local Bot API server (the one `TELEGRAM_API_ROOT` can point at) for the methods we use:
 * `getMe` and `sendMessage`, with Telegram's response shapes and its refusals: unknown token, unknown
 * chat, empty or over-long text, HTML that Telegram's parser would not accept. Records every request;
 * `faults` makes the next ones fail (error answer, delay, hang, connection reset).
 */
export class BotApiServer {
  readonly requests: BotApiRequest[] = [];
  readonly faults = new FaultQueue();
  url = '';
  private readonly server: Server;
  private nextMessageId = 1;

  constructor(private readonly options: BotApiServerOptions) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The bodies of every sendMessage received (including refused ones), in order. */
  sent(): Record<string, unknown>[] {
    return this.requests.filter((r) => r.method === 'sendMessage').map((r) => r.body);
  }

  /** Makes the next `times` requests fail as the Bot API does: `{ok:false,error_code,description}`. */
  failWith(errorCode: number, description: string, times = 1): void {
    // The HTTP status is the error code, as Telegram answers.
    const body = JSON.stringify({ ok: false, error_code: errorCode, description });
    this.faults.push({ kind: 'answer', status: errorCode, body }, times);
  }

  async close(): Promise<void> {
    this.faults.releaseAll();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
    }
    if (!match || req.method !== 'POST') {
      return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const [, token, method] = match;
    this.requests.push({ token: decodeURIComponent(token), method, body });
    if (await this.faults.apply(req, res)) return;
    if (!this.options.tokens.includes(decodeURIComponent(token))) {
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    if (method === 'getMe') return reply(res, 200, { ok: true, result: BOT });
    if (method === 'sendMessage') return this.sendMessage(res, body);
    return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
  }

  private sendMessage(res: ServerResponse, body: Record<string, unknown>): void {
    const bad = (description: string) =>
      reply(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${description}` });
    if (body.chat_id === undefined || body.chat_id === '') return bad('chat_id is empty');
    if (!this.options.chats.map(String).includes(String(body.chat_id))) return bad('chat not found');
    if (typeof body.text !== 'string' || body.text.trim() === '') return bad('message text is empty');
    let plain = body.text;
    if (body.parse_mode === 'HTML') {
      const parsed = parseTelegramHtml(body.text);
      if (!parsed.ok) return bad(`can't parse entities: ${parsed.error}`);
      plain = parsed.text;
    } else if (body.parse_mode !== undefined) {
      return bad('unsupported parse_mode');
    }
    if (plain.length > TEXT_LIMIT) return bad('message is too long');
    const problem = keyboardProblem(body.reply_markup);
    if (problem) return bad(problem);
    reply(res, 200, {
      ok: true,
      result: {
        message_id: this.nextMessageId++,
        from: BOT,
        chat: { id: Number(body.chat_id), type: Number(body.chat_id) < 0 ? 'supergroup' : 'private' },
        date: Math.floor(Date.now() / 1000),
        text: plain,
      },
    });
  }
}

/** Telegram's rules for an inline keyboard of URL buttons, as far as we use it. */
function keyboardProblem(markup: unknown): string | undefined {
  if (markup === undefined) return undefined;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) return 'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array';
  for (const row of rows) {
    if (!Array.isArray(row)) return 'inline keyboard row should be an Array';
    for (const button of row as { text?: unknown; url?: unknown }[]) {
      if (typeof button.text !== 'string' || button.text === '') return 'button text must be non-empty';
      if (typeof button.url !== 'string' || !/^(https?|tg):\/\//.test(button.url)) {
        return 'inline keyboard button URL is invalid';
      }
    }
  }
  return undefined;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
