import type { SecretReader } from '../../shared/ports/secretReader';

/**
 * Recognisable chat credentials: a test fails if one shows up in a log line or an error. The bot
 * token has Telegram's shape (`<bot id>:<secret>`), so telegraf treats it like a real one.
 */
export const CANARY_BOT_TOKEN = '7000000001:CANARY-bot-token-AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const CANARY_BOT_SECRET_PART = CANARY_BOT_TOKEN.split(':')[1];
export const CANARY_WEBHOOK_SECRET = 'CANARY-telegram-webhook-secret_0123456789';
export const TELEGRAM_CHAT = '-1001234567890';

/** A SecretReader over a plain map that tests can change between calls. */
export class MapSecretReader implements SecretReader {
  readonly values = new Map<string, string>();
  failing = false;

  constructor(entries: Record<string, string> = {}) {
    for (const [id, value] of Object.entries(entries)) this.values.set(id, value);
  }

  async read(secretId: string): Promise<string | undefined> {
    if (this.failing) throw new Error(`secret store unavailable while reading ${secretId}`);
    return this.values.get(secretId);
  }
}
