import { z } from 'zod';

import { baseUrl, expected } from './fields';

/**
 * Where alerts go besides the log: a Telegram chat through the Bot API, and optionally a Slack
 * channel through an incoming webhook. The credentials themselves (bot token, webhook URL) are
 * secrets read at run time; only these non-secret settings come from the environment.
 */
export const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** `'1'`/`'true'` on, `'0'`/`'false'` or unset off: the spellings USE_GCP accepts too. */
export const SWITCH_VALUES = ['1', 'true', '0', 'false'] as const;

export function switchSetting() {
  return z
    .enum(SWITCH_VALUES, { error: expected(`${SWITCH_VALUES.map((v) => `"${v}"`).join(' | ')} or unset`) })
    .optional()
    .transform((value) => value === '1' || value === 'true');
}

// Telegram ids fit in 52 bits (at most 16 digits); groups and channels are negative (-100…).
const CHAT_ID_PATTERN = /^-?[1-9]\d{0,15}$/;
// Users are positive ids; an empty value (Terraform's join of no ids) means everyone in the chat.
const USER_IDS_PATTERN = /^$|^\s*[1-9]\d{0,15}\s*(,\s*[1-9]\d{0,15}\s*)*$/;

export const channelSettings = {
  TELEGRAM_CHAT_ID: z
    .string()
    .regex(CHAT_ID_PATTERN, {
      error: expected('a numeric Telegram chat id (negative for groups and channels)'),
    })
    .optional(),
  TELEGRAM_API_ROOT: baseUrl.default(DEFAULT_TELEGRAM_API_ROOT),
  TELEGRAM_ALLOWED_USER_IDS: z
    .string()
    .regex(USER_IDS_PATTERN, {
      error: expected('Telegram user ids (positive numbers) separated by commas, or unset'),
    })
    .optional(),
  SLACK_ENABLED: switchSetting(),
};

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

export function toChannelConfig(settings: {
  TELEGRAM_CHAT_ID?: string;
  TELEGRAM_API_ROOT: string;
  TELEGRAM_ALLOWED_USER_IDS?: string;
  SLACK_ENABLED: boolean;
}): ChannelConfig {
  const users = (settings.TELEGRAM_ALLOWED_USER_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return {
    ...(settings.TELEGRAM_CHAT_ID !== undefined ? { telegramChatId: settings.TELEGRAM_CHAT_ID } : {}),
    ...(users.length > 0 ? { telegramAllowedUserIds: Object.freeze(users) } : {}),
    telegramApiRoot: settings.TELEGRAM_API_ROOT,
    slackEnabled: settings.SLACK_ENABLED,
  };
}
