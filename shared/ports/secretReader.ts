/**
 * Read-only access to configuration secrets: consumer keys, the login-link key, the API key hash,
 * the chat channels' credentials. Token pairs are not read here: they are versioned in the SecretVault.
 */
export interface SecretReader {
  /** The current value of the secret, or undefined when it does not exist or has no enabled version. */
  read(secretId: string): Promise<string | undefined>;
}

/** The names the code reads, in one place so infra can be checked against them. */
export const SECRET_IDS = {
  loginLinkKey: 'etrade-oauth-login-link-key',
  apiKeyHash: 'etrade-oauth-api-key-hash',
  telegramBotToken: 'etrade-oauth-telegram-bot-token',
  /** Telegram sends it in `X-Telegram-Bot-Api-Secret-Token` on every webhook call (setWebhook's secret_token). */
  telegramWebhookSecret: 'etrade-oauth-telegram-webhook-secret',
  /** The Slack incoming-webhook URL: whoever has it can post to the channel. */
  slackWebhookUrl: 'etrade-oauth-slack-webhook-url',
} as const;
