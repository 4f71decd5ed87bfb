import type { NoticeKind } from '../ports/notifier';

export interface NoticeStyle {
  /** Leads the title, so the kind is readable from a lock screen. */
  readonly emoji: string;
  /**
   * `quiet`: delivered without sound (good news the trader need not act on); `normal`: an ordinary
   * notification; `urgent`: also calls the room (Slack `@here`) and shouts its title.
   */
  readonly loudness: 'quiet' | 'normal' | 'urgent';
}

/** Every kind has a style: a Record over the closed union, so a new kind does not compile without one. */
export const NOTICE_STYLES: Readonly<Record<NoticeKind, NoticeStyle>> = {
  'morning.reminder': { emoji: '⏰', loudness: 'normal' },
  'morning.escalation': { emoji: '🚨', loudness: 'urgent' },
  'renewal.succeeded': { emoji: '✅', loudness: 'quiet' },
  'renewal.failed': { emoji: '❌', loudness: 'normal' },
  'keepalive.warning': { emoji: '⚠️', loudness: 'normal' },
  'keepalive.recovered': { emoji: '🟢', loudness: 'quiet' },
  'token.expired': { emoji: '🛑', loudness: 'normal' },
  'login.link': { emoji: '🔑', loudness: 'normal' },
  'consumerKey.aging': { emoji: '🗝️', loudness: 'normal' },
  'chat.status': { emoji: '📊', loudness: 'quiet' },
  'chat.renew': { emoji: '🔑', loudness: 'quiet' },
  'chat.help': { emoji: '❔', loudness: 'quiet' },
  'chat.loginLimited': { emoji: '⏳', loudness: 'quiet' },
  'code.accepted': { emoji: '✅', loudness: 'quiet' },
  'code.rejected': { emoji: '❌', loudness: 'quiet' },
  'code.expired': { emoji: '⌛', loudness: 'quiet' },
  'code.unmatched': { emoji: '❔', loudness: 'quiet' },
};
