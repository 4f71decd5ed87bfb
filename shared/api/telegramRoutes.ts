import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../app/context';
import { AppError } from '../app/errors';
import { freshLoginLink } from '../auth';
import type { ParsedRequest, Route } from '../http';
import { loginLinkNotice } from '../notify/loginLinkNotice';
import { helpMessage, statusMessage } from '../notify/telegramReplies';
import type { TelegramChat } from '../notify/telegramHtml';
import { SECRET_IDS } from '../ports/secretReader';
import { statusReport } from '../status/statusReport';

/** Telegram sends setWebhook's `secret_token` in this header on every call. */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram redelivers an update it got no 2xx for; the marker outlives its retries. */
const UPDATE_MARKER_TTL_MS = 24 * 60 * 60_000;

/**
 * telegramWebhook: the bot's commands from the configured chat. A wrong or missing secret header is a
 * 401; an update from any other chat (or without a command) is answered 200 `{}` so Telegram stops
 * retrying, and nothing is sent anywhere. Replies go to the configured chat only, never to the sender.
 */
export function telegramRoutes(ctx: AppContext): Route[] {
  const handle: Route['handle'] = async (request) => {
    await requireWebhookSecret(ctx, request);
    const update = readUpdate(request.body);
    const chat = ctx.telegram;
    const ignored = (reason: string) => {
      ctx.log.info('telegram.update_ignored', { reason });
      return { body: {} };
    };
    if (!chat || !update) return ignored(chat ? 'not-a-message' : 'no-chat-configured');
    if (update.chatId !== ctx.config.telegramChatId) return ignored('other-chat');
    const command = commandOf(update.text);
    if (!command) return ignored('not-a-command');

    const now = ctx.clock.now();
    const fresh = await ctx.ledger.claimMarker(
      `telegram-update:${update.updateId}`,
      now,
      new Date(now.getTime() + UPDATE_MARKER_TTL_MS),
    );
    if (!fresh) return ignored('duplicate');
    await answer(ctx, chat, command);
    return { body: {} };
  };
  return [{ method: 'POST', path: '/', handle }];
}

async function answer(ctx: AppContext, chat: TelegramChat, command: string): Promise<void> {
  const known = command === '/status' || command === '/login' || command === '/help' || command === '/start';
  try {
    if (command === '/status') await chat.reply(statusMessage(await statusReport(ctx)));
    else if (command === '/login') await chat.send(loginLinkNotice(await freshLoginLink(ctx)));
    else await chat.reply(helpMessage(known ? undefined : command));
    ctx.log.info('telegram.command_answered', { command: known ? command : 'unknown' });
  } catch (error) {
    // Answered 200 anyway: a redelivered command would find its marker taken and do nothing.
    ctx.log.warn('telegram.command_failed', { command: known ? command : 'unknown', code: codeOf(error) });
  }
}

async function requireWebhookSecret(ctx: Pick<AppContext, 'secrets' | 'log'>, request: ParsedRequest) {
  const expected = await ctx.secrets.read(SECRET_IDS.telegramWebhookSecret);
  if (!expected) {
    ctx.log.warn('telegram.webhook_secret_missing');
    throw new AppError('ERR_UNAUTHENTICATED', 'No webhook secret is configured');
  }
  const presented = request.headers[TELEGRAM_SECRET_HEADER];
  // Hashes of equal length: the comparison takes the same time whatever was presented.
  if (presented === undefined || !timingSafeEqual(sha256(presented), sha256(expected.trim()))) {
    throw new AppError('ERR_UNAUTHENTICATED', 'Wrong webhook secret');
  }
}

interface IncomingMessage {
  readonly updateId: number;
  readonly chatId: string;
  readonly text?: string;
}

/** The parts of a Bot API Update we use; anything malformed is not a message. Edits are ignored. */
function readUpdate(body: Readonly<Record<string, unknown>> | undefined): IncomingMessage | undefined {
  const updateId = body?.update_id;
  const message = body?.message;
  if (!Number.isSafeInteger(updateId) || !isObject(message) || !isObject(message.chat)) return undefined;
  const chatId = message.chat.id;
  if (!Number.isSafeInteger(chatId)) return undefined;
  const text = typeof message.text === 'string' ? message.text : undefined;
  return { updateId: updateId as number, chatId: String(chatId), text };
}

/** `/status`, `/status@MyBot extra words` → `/status`; plain text → undefined. */
function commandOf(text: string | undefined): string | undefined {
  const first = text?.trimStart().split(/\s/, 1)[0];
  if (!first?.startsWith('/') || first.length < 2) return undefined;
  return first.split('@', 1)[0].toLowerCase();
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^ERR_[A-Z0-9_]{1,40}$/.test(code) ? code : 'ERR_INTERNAL';
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
