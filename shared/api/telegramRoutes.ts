import { createHash, timingSafeEqual } from 'node:crypto';
import { connectionTokens, needsMorningLogin, renewTarget } from '../alerts/connectionTokens';
import type { AppContext } from '../app/context';
import { AppError } from '../app/errors';
import { type ChatCodeOutcome, exchangeChatCode } from '../chat/chatCode';
import { type ChatInput, readChatInput } from '../chat/chatInput';
import type { Connection } from '../config';
import type { ParsedRequest, Route } from '../http';
import { isChannelError } from '../notify/errors';
import { claimLoginLinkSlot, loginLimitedNotice, loginLinkNotice } from '../notify/loginLinkNotice';
import type { TelegramChat } from '../notify/telegramHtml';
import {
  codeAcceptedNotice,
  codeExpiredNotice,
  codeRejectedNotice,
  codeUnmatchedNotice,
  helpNotice,
  renewOfferNotice,
  statusNotice,
} from '../notify/telegramReplies';
import type { RenewTarget } from '../ports/notifier';
import { SECRET_IDS } from '../ports/secretReader';
import { statusReport } from '../status/statusReport';

/** Telegram sends setWebhook's `secret_token` in this header on every call. */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram redelivers an update it got no 2xx for; the marker outlives its retries. */
const UPDATE_MARKER_TTL_MS = 24 * 60 * 60_000;

/**
 * telegramWebhook: the bot's commands, and E*TRADE codes pasted after a "Log in to E*TRADE" button,
 * from the configured chat only (and, when TELEGRAM_ALLOWED_USER_IDS is set, from those users only).
 * A wrong or missing secret header is a 401; any other update is answered 200 `{}` so Telegram stops
 * retrying, and nothing is sent anywhere. Replies go to the configured chat only, never to the sender.
 * Each update is handled once (a ledger marker per update_id), however often Telegram redelivers it.
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
    const allowed = ctx.config.telegramAllowedUserIds;
    if (allowed && (update.fromId === undefined || !allowed.includes(update.fromId))) {
      return ignored('other-user');
    }
    const input = readChatInput(update.text);
    if (!input) return ignored('not-a-command');

    const now = ctx.clock.now();
    const fresh = await ctx.ledger.claimMarker(
      `telegram-update:${update.updateId}`,
      now,
      new Date(now.getTime() + UPDATE_MARKER_TTL_MS),
    );
    if (!fresh) return ignored('duplicate');
    await answer(ctx, chat, input, update);
    return { body: {} };
  };
  return [{ method: 'POST', path: '/', handle }];
}

type Ctx = AppContext;

async function answer(
  ctx: Ctx,
  chat: TelegramChat,
  input: ChatInput,
  update: IncomingMessage,
): Promise<void> {
  const what = input.kind === 'code' ? 'code' : knownCommand(input.command);
  try {
    if (input.kind === 'code') await pastedCode(ctx, chat, update, input.code);
    else await command(ctx, chat, input.command, input.args, update);
    ctx.log.info('telegram.command_answered', { command: what });
  } catch (error) {
    // Answered 200 anyway: a redelivered update would find its marker taken and do nothing.
    ctx.log.warn('telegram.command_failed', { command: what, code: codeOf(error) });
  }
}

async function command(
  ctx: Ctx,
  chat: TelegramChat,
  name: string,
  args: readonly string[],
  update: IncomingMessage,
): Promise<void> {
  switch (name) {
    case '/status':
      return chat.send(statusNotice(await statusReport(ctx)));
    case '/renew':
      return renewOffer(ctx, chat, args[0]);
    case '/login': {
      const now = ctx.clock.now();
      const slot = await claimLoginLinkSlot(ctx, now);
      return chat.send(slot.ok ? loginLinkNotice(now) : loginLimitedNotice(slot.nextAt));
    }
    case '/pin': {
      const connection = args[1] === undefined ? undefined : findByName(ctx, args[1]);
      if (args[1] !== undefined && !connection) return renewOffer(ctx, chat, args[1]);
      return typedCode(ctx, chat, update, args[0] ?? '', connection);
    }
    case '/help':
    case '/start':
      return chat.send(helpNotice());
    default:
      return chat.send(helpNotice(name));
  }
}

/**
 * `/renew`: a button per connection that needs a login (as the morning reminder counts them: a never
 * used sandbox is not one); `/renew <connection>`: that one, whatever its state.
 */
async function renewOffer(ctx: Ctx, chat: TelegramChat, name: string | undefined): Promise<void> {
  const now = ctx.clock.now();
  const known = ctx.config.connections.map((c) =>
    c.label.toLowerCase() === c.id.toLowerCase() ? c.id : `${c.id} (${c.label})`,
  );
  if (name !== undefined) {
    const connection = findByName(ctx, name);
    if (!connection) return chat.send(renewOfferNotice([], now, { unknown: name, known }));
    return chat.send(renewOfferNotice([{ connectionId: connection.id, label: connection.label }], now));
  }
  const tokens = await connectionTokens(ctx, now);
  const targets = tokens.filter(needsMorningLogin).map(renewTarget);
  return chat.send(renewOfferNotice(targets, now, { known: ctx.config.connections.map((c) => c.id) }));
}

/** A plain message shaped like a code: only a code when this chat has a login waiting (or just closed). */
async function pastedCode(ctx: Ctx, chat: TelegramChat, update: IncomingMessage, code: string) {
  let deleted: boolean | undefined;
  const taken = async () => void (deleted = await deleteMessage(ctx, chat, update.messageId));
  const outcome = await exchangeChatCode(ctx, { chatId: update.chatId, code, taken });
  // Five letters of chatter with no login in sight: left alone, and left in the chat.
  if (outcome.kind === 'no-login' && deleted === undefined) return;
  await replyToCode(ctx, chat, outcome, deleted === false);
}

/** `/pin CODE [connection]`: always answered; the message goes (it may hold a mistyped code). */
async function typedCode(
  ctx: Ctx,
  chat: TelegramChat,
  update: IncomingMessage,
  code: string,
  connection: Connection | undefined,
) {
  const deleted = await deleteMessage(ctx, chat, update.messageId);
  const outcome = await exchangeChatCode(ctx, { chatId: update.chatId, code, connectionId: connection?.id });
  await replyToCode(ctx, chat, outcome, !deleted);
}

/**
 * The answer to a code, once its message is deleted (it is spent, but a chat should not keep codes).
 * A renewal is announced by exchangePin's own "token renewed" notice (and the alerts it answered are
 * edited), so this adds a message only when another login still waits or the code stayed in the
 * chat. A failure other than a wrong code was announced by exchangePin's "renewal failed".
 */
async function replyToCode(ctx: Ctx, chat: TelegramChat, outcome: ChatCodeOutcome, undeleted: boolean) {
  const now = ctx.clock.now();
  ctx.log.info('telegram.code_answered', {
    outcome: outcome.kind,
    connection: outcome.kind === 'renewed' ? outcome.connectionId : undefined,
  });
  switch (outcome.kind) {
    case 'renewed': {
      if (outcome.waiting.length === 0 && !undeleted) return;
      const waiting = outcome.waiting.map((flow) => ({
        label: labelOf(ctx, flow.connectionId),
        expiresAt: flow.expiresAt,
      }));
      return chat.send(codeAcceptedNotice(labelOf(ctx, outcome.connectionId), waiting, undeleted));
    }
    case 'rejected':
      return chat.send(
        codeRejectedNotice(
          outcome.tried.map(({ connectionId, attemptsLeft }) => ({
            target: targetOf(ctx, connectionId),
            attemptsLeft,
          })),
          now,
          undeleted,
        ),
      );
    case 'expired':
      return chat.send(
        codeExpiredNotice(
          outcome.connectionIds.map((id) => targetOf(ctx, id)),
          now,
          undeleted,
        ),
      );
    case 'no-login':
    case 'not-a-code':
      return chat.send(codeUnmatchedNotice(outcome.kind));
    case 'failed':
      return undefined;
  }
}

/** Best effort: false when the code stays in the chat (the bot may not delete it, or Telegram failed). */
async function deleteMessage(ctx: Ctx, chat: TelegramChat, messageId: number): Promise<boolean> {
  try {
    await chat.remove(messageId);
    return true;
  } catch (error) {
    const reason = isChannelError(error) ? error.details.reason : undefined;
    // Already gone (the trader deleted it): nothing stays in the chat.
    if (reason === 'message_not_found') return true;
    ctx.log.warn('telegram.code_not_deleted', { code: codeOf(error), reason });
    return false;
  }
}

/** A connection by id or label, whatever the case: `/renew prod`, `/renew live`. */
function findByName(ctx: Ctx, name: string): Connection | undefined {
  const wanted = name.toLowerCase();
  return ctx.config.connections.find(
    (c) => c.id.toLowerCase() === wanted || c.label.toLowerCase() === wanted,
  );
}

function targetOf(ctx: Ctx, connectionId: string): RenewTarget {
  return { connectionId, label: labelOf(ctx, connectionId) };
}

function labelOf(ctx: Ctx, connectionId: string): string {
  return ctx.config.connections.find((c) => c.id === connectionId)?.label ?? connectionId;
}

const KNOWN_COMMANDS = new Set(['/status', '/renew', '/login', '/pin', '/help', '/start']);

/** For the log: a command the bot knows, or `unknown` (never what a stranger typed). */
function knownCommand(command: string): string {
  return KNOWN_COMMANDS.has(command) ? command : 'unknown';
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
  readonly messageId: number;
  /** The sender's Telegram user id (absent for a channel post). */
  readonly fromId?: string;
  readonly text?: string;
}

/** The parts of a Bot API Update we use; anything malformed is not a message. Edits are ignored. */
function readUpdate(body: Readonly<Record<string, unknown>> | undefined): IncomingMessage | undefined {
  const updateId = body?.update_id;
  const message = body?.message;
  if (!Number.isSafeInteger(updateId) || !isObject(message) || !isObject(message.chat)) return undefined;
  const chatId = message.chat.id;
  const messageId = message.message_id;
  if (!Number.isSafeInteger(chatId) || !Number.isSafeInteger(messageId)) return undefined;
  const from =
    isObject(message.from) && Number.isSafeInteger(message.from.id) ? String(message.from.id) : undefined;
  const text = typeof message.text === 'string' ? message.text : undefined;
  return {
    updateId: updateId as number,
    chatId: String(chatId),
    messageId: messageId as number,
    fromId: from,
    text,
  };
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
