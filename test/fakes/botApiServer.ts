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
  /**
   * Groups where the bot is an administrator allowed to delete messages. In any other group it may
   * delete only its own messages (Telegram: "message can't be deleted"); in a private chat (positive
   * id) also the other side's.
   */
  readonly deleteRightsIn?: readonly (string | number)[];
}

export interface InlineButton {
  readonly text: string;
  readonly url: string;
}

/** A message as the chat shows it now. */
export interface ChatMessage {
  readonly messageId: number;
  readonly fromBot: boolean;
  /** The plain text Telegram shows (HTML parsed). */
  readonly text: string;
  /** The text as sent (HTML for the bot's messages). */
  readonly html: string;
  readonly buttons: readonly InlineButton[];
  readonly silent: boolean;
  readonly edits: number;
}

const BOT = { id: 7000000001, is_bot: true, first_name: 'Token Bot', username: 'etrade_token_bot' };
const TEXT_LIMIT = 4096;

/**
 * A local Bot API server (the one `TELEGRAM_API_ROOT` can point at) for the methods we use:
 * `getMe`, `sendMessage`, `editMessageText`, `editMessageReplyMarkup` and `deleteMessage`, with
 * Telegram's response shapes and its refusals: unknown token, unknown chat, empty or over-long text,
 * HTML that Telegram's parser would not accept, a button URL it does not take (loopback, no dot),
 * editing or deleting a message that is not there or not the bot's to change, an edit that changes
 * nothing. It keeps each chat's messages as the chat shows them (edits applied, deletions gone), and
 * `receive` makes the updates a trader's messages would be, so a test can follow the chat. Records
 * every request; `faults` makes the next ones fail (error answer, delay, hang, connection reset).
 */
export class BotApiServer {
  readonly requests: BotApiRequest[] = [];
  readonly faults = new FaultQueue();
  url = '';
  private readonly server: Server;
  private readonly chats = new Map<string, { next: number; messages: Map<number, ChatMessage> }>();
  private nextUpdateId = 900_000;

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
    return this.calls('sendMessage');
  }

  /** The bodies of every request to `method`, in order. */
  calls(method: string): Record<string, unknown>[] {
    return this.requests.filter((r) => r.method === method).map((r) => r.body);
  }

  /** Every request as `method` + body, in order: the exact Bot API calls a test asserts. */
  log(): { method: string; body: Record<string, unknown> }[] {
    return this.requests.map(({ method, body }) => ({ method, body }));
  }

  /** The chat as it reads now, oldest first: edits applied, deleted messages gone. */
  chat(chatId: string | number): ChatMessage[] {
    return [...(this.chats.get(String(chatId))?.messages.values() ?? [])];
  }

  message(chatId: string | number, messageId: number): ChatMessage | undefined {
    return this.chats.get(String(chatId))?.messages.get(messageId);
  }

  /**
   * A member's text message arriving in a chat: stored as the chat shows it, and returned as the Update
   * Telegram posts to the webhook for it.
   */
  receive(options: { chat: string | number; text: string; from?: number }): Record<string, unknown> {
    const chatId = String(options.chat);
    const messageId = this.store(chatId, {
      fromBot: false,
      text: options.text,
      html: options.text,
      buttons: [],
      silent: false,
      edits: 0,
    });
    const from = options.from ?? 42;
    return {
      update_id: ++this.nextUpdateId,
      message: {
        message_id: messageId,
        date: 1764077400,
        chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'supergroup' : 'private' },
        from: { id: from, is_bot: false, first_name: 'Trader' },
        text: options.text,
      },
    };
  }

  /** A member deleting a message in the chat app (no Bot API call). */
  deleteInApp(chatId: string | number, messageId: number): void {
    this.chats.get(String(chatId))?.messages.delete(messageId);
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

  private store(chatId: string, message: Omit<ChatMessage, 'messageId'>): number {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = { next: 1, messages: new Map() };
      this.chats.set(chatId, chat);
    }
    const messageId = chat.next++;
    chat.messages.set(messageId, { messageId, ...message });
    return messageId;
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
    const bad = (description: string) =>
      reply(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${description}` });
    if (method === 'getMe') return reply(res, 200, { ok: true, result: BOT });
    if (body.chat_id === undefined || body.chat_id === '') return bad('chat_id is empty');
    if (!this.options.chats.map(String).includes(String(body.chat_id))) return bad('chat not found');
    const chatId = String(body.chat_id);
    switch (method) {
      case 'sendMessage': {
        const content = readContent(body);
        if (typeof content === 'string') return bad(content);
        const messageId = this.store(chatId, {
          ...content,
          silent: body.disable_notification === true,
          edits: 0,
        });
        return reply(res, 200, { ok: true, result: this.asMessage(chatId, messageId) });
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const found = this.target(chatId, body, 'edit');
        if (typeof found === 'string') return bad(found);
        let next: Omit<ChatMessage, 'messageId' | 'silent' | 'edits'>;
        if (method === 'editMessageText') {
          const content = readContent(body);
          if (typeof content === 'string') return bad(content);
          next = content;
        } else {
          const buttons = readKeyboard(body.reply_markup);
          if (typeof buttons === 'string') return bad(buttons);
          next = { fromBot: true, text: found.text, html: found.html, buttons };
        }
        if (next.html === found.html && sameButtons(next.buttons, found.buttons)) {
          return bad(
            'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        const edited = { ...found, ...next, edits: found.edits + 1 };
        this.chats.get(chatId)?.messages.set(found.messageId, edited);
        return reply(res, 200, { ok: true, result: this.asMessage(chatId, found.messageId) });
      }
      case 'deleteMessage': {
        const found = this.target(chatId, body, 'delete');
        if (typeof found === 'string') return bad(found);
        const group = Number(chatId) < 0;
        const rights = (this.options.deleteRightsIn ?? []).map(String).includes(chatId);
        if (!found.fromBot && group && !rights) return bad("message can't be deleted");
        this.chats.get(chatId)?.messages.delete(found.messageId);
        return reply(res, 200, { ok: true, result: true });
      }
      default:
        return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  /** The message an edit or deletion names, or Telegram's refusal. */
  private target(
    chatId: string,
    body: Record<string, unknown>,
    what: 'edit' | 'delete',
  ): ChatMessage | string {
    if (!Number.isSafeInteger(body.message_id)) return 'message identifier is not specified';
    const found = this.chats.get(chatId)?.messages.get(body.message_id as number);
    if (!found) return `message to ${what} not found`;
    if (what === 'edit' && !found.fromBot) return "message can't be edited";
    return found;
  }

  private asMessage(chatId: string, messageId: number): Record<string, unknown> {
    const message = this.chats.get(chatId)?.messages.get(messageId) as ChatMessage;
    return {
      message_id: messageId,
      from: BOT,
      chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'supergroup' : 'private' },
      date: Math.floor(Date.now() / 1000),
      text: message.text,
      ...(message.buttons.length > 0 && {
        reply_markup: { inline_keyboard: message.buttons.map((button) => [button]) },
      }),
    };
  }
}

/** A message's text and keyboard as sendMessage and editMessageText take them, or the refusal. */
function readContent(
  body: Record<string, unknown>,
): Omit<ChatMessage, 'messageId' | 'silent' | 'edits'> | string {
  if (typeof body.text !== 'string' || body.text.trim() === '') return 'message text is empty';
  let plain = body.text;
  if (body.parse_mode === 'HTML') {
    const parsed = parseTelegramHtml(body.text);
    if (!parsed.ok) return `can't parse entities: ${parsed.error}`;
    plain = parsed.text;
  } else if (body.parse_mode !== undefined) {
    return 'unsupported parse_mode';
  }
  if (plain.length > TEXT_LIMIT) return 'message is too long';
  // No reply_markup on an edit: Telegram removes the keyboard.
  const buttons = readKeyboard(body.reply_markup);
  if (typeof buttons === 'string') return buttons;
  return { fromBot: true, text: plain, html: body.text, buttons };
}

/** Telegram's rules for an inline keyboard of URL buttons, as far as we use it. */
function readKeyboard(markup: unknown): InlineButton[] | string {
  if (markup === undefined) return [];
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) return 'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array';
  const buttons: InlineButton[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) return 'inline keyboard row should be an Array';
    for (const button of row as { text?: unknown; url?: unknown }[]) {
      if (typeof button.text !== 'string' || button.text === '') return 'button text must be non-empty';
      if (typeof button.url !== 'string' || !/^(https?|tg):\/\//.test(button.url)) {
        return 'inline keyboard button URL is invalid';
      }
      if (!publicHost(button.url))
        return `inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`;
      buttons.push({ text: button.text, url: button.url });
    }
  }
  return buttons;
}

/** Telegram takes button URLs to hosts it could reach: not loopback, not a name without a dot. */
function publicHost(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'tg:') return true;
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]') return false;
  if (/^127\./.test(hostname) || hostname === '0.0.0.0') return false;
  return hostname.includes('.');
}

function sameButtons(a: readonly InlineButton[], b: readonly InlineButton[]): boolean {
  return (
    a.length === b.length && a.every((button, i) => button.text === b[i].text && button.url === b[i].url)
  );
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
