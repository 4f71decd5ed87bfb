import { Telegram, TelegramError } from 'telegraf';
import type { Logger } from '../../log';
import { ChannelError, codeForStatus, transportError } from '../../notify/errors';
import { noticeMessage, type TelegramChat, type TelegramMessage } from '../../notify/telegramHtml';
import type { Notice } from '../../ports/notifier';
import { SECRET_IDS, type SecretReader } from '../../ports/secretReader';

export interface TelegrafNotifierOptions {
  readonly secrets: SecretReader;
  /** The one chat every message goes to (TELEGRAM_CHAT_ID). */
  readonly chatId: string;
  /** Telegram's Bot API, or a local Bot API server (TELEGRAM_API_ROOT). */
  readonly apiRoot: string;
  readonly log: Logger;
  /** A hung Bot API must not stall a function: the request is aborted after this long. Default 10 s. */
  readonly timeoutMs?: number;
  /**
   * The local system only: without a bot token secret Telegram is simply not set up, and sending is
   * a no-op. In the cloud a missing token is an ERR_CHANNEL_NOT_CONFIGURED failure.
   */
  readonly optional?: boolean;
}

type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

const CHANNEL = 'telegram';
export const DEFAULT_TELEGRAM_TIMEOUT_MS = 10_000;

/**
 * Notices to one Telegram chat through telegraf's Bot API client. The bot token is read from the
 * secret store at the first send (and again after a rotation), registered with the logger's
 * redaction and never logged; it does travel in the request path, which is how the Bot API works.
 */
export class TelegrafNotifier implements TelegramChat {
  private client?: { readonly token: string; readonly telegram: Telegram };
  private readonly timeoutMs: number;

  constructor(private readonly options: TelegrafNotifierOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TELEGRAM_TIMEOUT_MS;
  }

  async send(notice: Notice): Promise<void> {
    await this.reply(noticeMessage(notice));
  }

  /** Any message to the configured chat: a notice, or an answer to a command. Throws ChannelError. */
  async reply(message: TelegramMessage): Promise<number> {
    const sent = await this.call<{ message_id?: unknown }>('sendMessage', {
      chat_id: this.options.chatId,
      ...content(message),
      disable_notification: message.silent,
    });
    return typeof sent?.message_id === 'number' ? sent.message_id : 0;
  }

  /** editMessageText: the new text and buttons; without buttons Telegram removes the keyboard. */
  async edit(messageId: number, message: TelegramMessage): Promise<void> {
    await this.call('editMessageText', {
      chat_id: this.options.chatId,
      message_id: messageId,
      ...content(message),
    });
  }

  /** deleteMessage in the configured chat. */
  async remove(messageId: number): Promise<void> {
    await this.call('deleteMessage', { chat_id: this.options.chatId, message_id: messageId });
  }

  /** One Bot API call with the timeout; undefined when Telegram is optional and not set up. */
  private async call<T>(method: string, payload: Record<string, unknown>): Promise<T | undefined> {
    const telegram = await this.telegram();
    if (!telegram) return undefined;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      return (await telegram.callApi(
        method as 'sendMessage',
        payload as never,
        // telegraf types the signal as the abort-controller polyfill's; node-fetch takes the native one.
        { signal: signal as unknown as TelegrafSignal },
      )) as T;
    } catch (error) {
      if (error instanceof TelegramError) {
        throw new ChannelError(codeForStatus(error.code), CHANNEL, {
          status: error.code,
          reason: refusalOf(error.description),
        });
      }
      throw transportError(CHANNEL, error, signal.aborted);
    }
  }

  private async telegram(): Promise<Telegram | undefined> {
    let token: string | undefined;
    try {
      token = (await this.options.secrets.read(SECRET_IDS.telegramBotToken))?.trim();
    } catch {
      throw new ChannelError('ERR_CHANNEL_SECRET_UNAVAILABLE', CHANNEL);
    }
    if (!token) {
      if (this.options.optional) return undefined;
      throw new ChannelError('ERR_CHANNEL_NOT_CONFIGURED', CHANNEL);
    }
    // A token with "/" or whitespace would change the request path: refuse it rather than send it.
    if (!/^[A-Za-z0-9:_-]+$/.test(token)) throw new ChannelError('ERR_CHANNEL_NOT_CONFIGURED', CHANNEL);
    this.options.log.redact(token);
    if (this.client?.token !== token) {
      // The trailing slash keeps a path in the root: telegraf resolves `./bot<token>/<method>` against it.
      const apiRoot = `${this.options.apiRoot.replace(/\/+$/, '')}/`;
      this.client = { token, telegram: new Telegram(token, { apiRoot }) };
    }
    return this.client.telegram;
  }
}

/** The message's text and buttons as the Bot API takes them (sendMessage and editMessageText alike). */
function content(message: TelegramMessage): Record<string, unknown> {
  return {
    text: message.html,
    parse_mode: 'HTML',
    // A preview fetches the link: it would spend a single-use link before the trader.
    link_preview_options: { is_disabled: true },
    ...(message.buttons &&
      message.buttons.length > 0 && {
        reply_markup: {
          inline_keyboard: message.buttons.map((button) => [{ text: button.text, url: button.url }]),
        },
      }),
  };
}

/**
 * The Bot API refusals a caller acts on, as fixed words of ours. Telegram's description itself is
 * never kept: it may quote the request (a refused button's URL carries a single-use link).
 */
function refusalOf(description: string | undefined): string | undefined {
  if (!description) return undefined;
  if (/message is not modified/i.test(description)) return 'not_modified';
  if (/message to (edit|delete) not found/i.test(description)) return 'message_not_found';
  if (/message can't be (edited|deleted)/i.test(description)) return 'not_allowed';
  return undefined;
}
