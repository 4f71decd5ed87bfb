import { type Issues, baseUrl, expected, matching } from './fields';
import type { Env } from './loadConfig';

/**
 * Where alerts go besides the log: a Telegram chat through the Bot API, and optionally a Slack
 * channel through an incoming webhook. The credentials themselves (bot token, webhook URL) are
 * secrets read at run time; only these non-secret settings come from the environment.
 */
export const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** `'1'`/`'true'` on, `'0'`/`'false'` or unset off: the spellings USE_GCP accepts too. */
export const SWITCH_VALUES = ['1', 'true', '0', 'false'] as const;

export function switchSetting(issues: Issues, name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (!(SWITCH_VALUES as readonly string[]).includes(value)) {
    issues.add([name], expected(`${SWITCH_VALUES.map((v) => `"${v}"`).join(' | ')} or unset`)(value));
    return false;
  }
  return value === '1' || value === 'true';
}

// Telegram ids fit in 52 bits (at most 16 digits); groups and channels are negative (-100…).
const CHAT_ID_PATTERN = /^-?[1-9]\d{0,15}$/;
// Users are positive ids; an empty value (Terraform's join of no ids) means everyone in the chat.
const USER_IDS_PATTERN = /^$|^\s*[1-9]\d{0,15}\s*(,\s*[1-9]\d{0,15}\s*)*$/;

export interface ChannelConfig {
  /** The one chat alerts go to and commands are taken from; Telegram is off without it. */
  readonly telegramChatId?: string;
  /** The Bot API server: Telegram's, or a local one (tests, a self-hosted Bot API server). */
  readonly telegramApiRoot: string;
  /**
   * When set, only these Telegram users' messages in the chat are taken (commands and codes); a group
   * with other members then cannot renew. Unset: anyone in the configured chat.
   */
  readonly telegramAllowedUserIds?: readonly string[];
  /** Slack as a second channel; its webhook URL is the secret `etrade-oauth-slack-webhook-url`. */
  readonly slackEnabled: boolean;
}

export function channelConfig(issues: Issues, env: Env): ChannelConfig {
  const chatId =
    env.TELEGRAM_CHAT_ID === undefined
      ? undefined
      : matching(
          issues,
          ['TELEGRAM_CHAT_ID'],
          env.TELEGRAM_CHAT_ID,
          CHAT_ID_PATTERN,
          'a numeric Telegram chat id (negative for groups and channels)',
        );
  const apiRoot =
    env.TELEGRAM_API_ROOT === undefined
      ? DEFAULT_TELEGRAM_API_ROOT
      : baseUrl(issues, ['TELEGRAM_API_ROOT'], env.TELEGRAM_API_ROOT);
  const userList =
    env.TELEGRAM_ALLOWED_USER_IDS === undefined
      ? undefined
      : matching(
          issues,
          ['TELEGRAM_ALLOWED_USER_IDS'],
          env.TELEGRAM_ALLOWED_USER_IDS,
          USER_IDS_PATTERN,
          'Telegram user ids (positive numbers) separated by commas, or unset',
        );
  const users = (userList ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return {
    ...(chatId !== undefined ? { telegramChatId: chatId } : {}),
    ...(users.length > 0 ? { telegramAllowedUserIds: Object.freeze(users) } : {}),
    telegramApiRoot: apiRoot ?? DEFAULT_TELEGRAM_API_ROOT,
    slackEnabled: switchSetting(issues, 'SLACK_ENABLED', env.SLACK_ENABLED),
  };
}
