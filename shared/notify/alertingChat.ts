import { recordFacts, tokenTimeline } from '../lifecycle';
import type { Logger } from '../log';
import type { Clock } from '../ports/clock';
import type { Notice, NoticeAction } from '../ports/notifier';
import type { TokenLedger } from '../ports/tokenLedger';
import { nextNewYorkMidnight } from '../time/newYork';
import { isChannelError } from './errors';
import { type ActionLinks, presentNotice } from './noticeActions';
import { noticeMessage, type TelegramChat, type TelegramMessage } from './telegramHtml';

export interface AlertingChatOptions {
  /** The Bot API client for the configured chat (TelegrafNotifier). */
  readonly bot: TelegramChat;
  readonly chatId: string;
  /** The chat's links: renew buttons bound to this chat. */
  readonly links: ActionLinks;
  readonly ledger: Pick<TokenLedger, 'get' | 'recordChatAlert' | 'chatAlertsAbout' | 'forgetChatAlert'>;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * The configured Telegram chat as the system uses it: every notice shown with the chat's own links
 * (a "Log in to E*TRADE" button per connection to renew), and kept true afterwards. A message with
 * renew buttons is remembered (ledger: chat alerts, until the end of its New York day); once a
 * connection is renewed, by any path (chat, page, CLI), every such message is edited: that
 * connection's line says renewed and its button goes, the others get fresh buttons, and a message
 * with nothing left to do says so and carries no button.
 */
export class AlertingChat implements TelegramChat {
  constructor(private readonly options: AlertingChatOptions) {}

  async send(notice: Notice): Promise<void> {
    const { links, clock } = this.options;
    const shown = await presentNotice(notice, links, { now: clock.now() });
    const messageId = await this.options.bot.reply(noticeMessage(shown));
    if (notice.action?.kind === 'renew' && shown.buttons && messageId > 0) {
      await this.remember(notice, messageId);
    }
    if (notice.kind === 'renewal.succeeded' && notice.connectionId) {
      await this.settleAlertsAbout(notice.connectionId);
    }
  }

  reply(message: TelegramMessage): Promise<number> {
    return this.options.bot.reply(message);
  }

  edit(messageId: number, message: TelegramMessage): Promise<void> {
    return this.options.bot.edit(messageId, message);
  }

  remove(messageId: number): Promise<void> {
    return this.options.bot.remove(messageId);
  }

  /**
   * Edits every remembered alert about `connectionId` to what is true now. Best effort: a failure is
   * logged, and the alert stays remembered for the next renewal to try again.
   */
  async settleAlertsAbout(connectionId: string): Promise<void> {
    const { ledger, chatId, clock, log } = this.options;
    let alerts;
    try {
      alerts = await ledger.chatAlertsAbout(chatId, connectionId, clock.now());
    } catch (error) {
      log.warn('telegram.alerts_unreadable', { connection: connectionId, code: codeOf(error) });
      return;
    }
    for (const alert of alerts) {
      try {
        await this.settle(alert.messageId, decodeNotice(alert.notice), alert.sentAt);
      } catch (error) {
        log.warn('telegram.alert_edit_failed', {
          connection: connectionId,
          message: alert.messageId,
          code: codeOf(error),
          reason: isChannelError(error) ? error.details.reason : undefined,
        });
      }
    }
  }

  private async settle(messageId: number, notice: Notice, sentAt: Date): Promise<void> {
    const { ledger, chatId, clock, links, log, bot } = this.options;
    const now = clock.now();
    const renewed = await this.renewedSince(notice.action, sentAt, now);
    const shown = await presentNotice(notice, links, { now, renewed });
    try {
      await bot.edit(messageId, { ...noticeMessage(shown), silent: true });
    } catch (error) {
      const reason = isChannelError(error) ? error.details.reason : undefined;
      // Deleted by someone in the chat: nothing left to keep true.
      if (reason === 'message_not_found') return ledger.forgetChatAlert(chatId, messageId);
      if (reason !== 'not_modified') throw error;
    }
    log.info('telegram.alert_edited', { message: messageId, open: shown.buttons?.length ?? 0 });
    if (!shown.buttons || shown.buttons.length === 0) await ledger.forgetChatAlert(chatId, messageId);
  }

  /** The targets whose token was issued after the alert went out and is still live, with when. */
  private async renewedSince(action: NoticeAction | undefined, sentAt: Date, now: Date) {
    const renewed = new Map<string, Date>();
    if (action?.kind !== 'renew') return renewed;
    for (const { connectionId } of action.targets) {
      const record = await this.options.ledger.get(connectionId);
      const state = tokenTimeline(recordFacts(record), now).state;
      const live = state !== 'missing' && state !== 'expired' && state !== 'revoked';
      if (live && record.issuedAt && record.issuedAt.getTime() >= sentAt.getTime()) {
        renewed.set(connectionId, record.issuedAt);
      }
    }
    return renewed;
  }

  private async remember(notice: Notice, messageId: number): Promise<void> {
    const { ledger, chatId, clock, log } = this.options;
    const action = notice.action as Extract<NoticeAction, { kind: 'renew' }>;
    const sentAt = clock.now();
    try {
      await ledger.recordChatAlert({
        chatId,
        messageId,
        connectionIds: action.targets.map((target) => target.connectionId),
        notice: encodeNotice(notice),
        sentAt,
        expiresAt: nextNewYorkMidnight(sentAt),
      });
    } catch (error) {
      // The alert went out; only its later edit is lost.
      log.warn('telegram.alert_unrecorded', { message: messageId, code: codeOf(error) });
    }
  }
}

/** The notice as built (no links, no buttons), for the ledger. */
export function encodeNotice(notice: Notice): string {
  const { kind, connectionId, title, lines, action, footer } = notice;
  return JSON.stringify({
    kind,
    connectionId,
    title,
    lines,
    footer,
    action: action && { ...action, until: action.until.toISOString() },
  });
}

export function decodeNotice(text: string): Notice {
  const raw = JSON.parse(text) as Notice & { action?: { until: string } };
  return {
    ...raw,
    ...(raw.action && { action: { ...raw.action, until: new Date(raw.action.until) } as NoticeAction }),
  };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^ERR_[A-Z0-9_]{1,40}$/.test(code) ? code : 'ERR_INTERNAL';
}
