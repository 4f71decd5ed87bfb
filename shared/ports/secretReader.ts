/**
 * Read-only access to configuration secrets: consumer keys, the login-link key, the API key hash,
 * the Telegram bot token. Token pairs are not read here: they are versioned in the SecretVault.
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
} as const;
