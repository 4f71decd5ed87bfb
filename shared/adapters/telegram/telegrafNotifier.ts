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
  async reply(message: TelegramMessage): Promise<void> {
    const telegram = await this.telegram();
    if (!telegram) return;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      await telegram.callApi(
        'sendMessage',
        {
          chat_id: this.options.chatId,
          text: message.html,
          parse_mode: 'HTML',
          // A preview fetches the link: it would spend the single-use sign-in link before the trader.
          link_preview_options: { is_disabled: true },
          disable_notification: message.silent,
          ...(message.button && {
            reply_markup: { inline_keyboard: [[{ text: message.button.text, url: message.button.url }]] },
          }),
        },
        // telegraf types the signal as the abort-controller polyfill's; node-fetch takes the native one.
        { signal: signal as unknown as TelegrafSignal },
      );
    } catch (error) {
      if (error instanceof TelegramError) {
        throw new ChannelError(codeForStatus(error.code), CHANNEL, { status: error.code });
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
