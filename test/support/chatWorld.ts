import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TELEGRAM_SECRET_HEADER } from '../../shared/api/telegramRoutes';
import { defaultConsumerSecretId } from '../../shared/config';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { BotApiServer, type ChatMessage } from '../fakes/botApiServer';
import { CANARY_BOT_TOKEN, CANARY_WEBHOOK_SECRET, TELEGRAM_CHAT } from './canaries';
import { type Answer, FunctionsHarness } from './functionsHarness';
import { LocalWorld } from './localWorld';
import { CANARY_CONSUMER } from './simulatedEtrade';

export const STRANGER_CHAT = 555000111;
export const PUBLIC_PAGE = 'https://tokens.example.com';

export interface ChatWorldOptions {
  readonly env?: Record<string, string>;
  /** The bot may delete members' messages in the group (an admin with that right). Default true. */
  readonly deleteRights?: boolean;
  /** Connections besides prod and sandbox (ETRADE_CONNECTIONS), with their consumer secrets. */
  readonly connections?: readonly { id: string; environment: 'prod' | 'sandbox'; label: string }[];
}

/**
 * The system on its embedded stores, a local Bot API server as Telegram, and the trader in the
 * configured group: what they send arrives as Telegram would post it to telegramWebhook, what the
 * bot does is read back from the server (the chat as it reads now, and every Bot API call).
 */
export class ChatWorld {
  private constructor(
    readonly bot: BotApiServer,
    readonly world: LocalWorld,
    readonly fx: FunctionsHarness,
  ) {}

  static async start(at: string, options: ChatWorldOptions = {}): Promise<ChatWorld> {
    const bot = await new BotApiServer({
      tokens: [CANARY_BOT_TOKEN],
      chats: [TELEGRAM_CHAT, STRANGER_CHAT],
      deleteRightsIn: options.deleteRights === false ? [] : [TELEGRAM_CHAT],
    }).start();
    const world = await LocalWorld.start(at, {
      TELEGRAM_CHAT_ID: TELEGRAM_CHAT,
      TELEGRAM_API_ROOT: bot.url,
      PAGE_URL: PUBLIC_PAGE,
      ...(options.connections && { ETRADE_CONNECTIONS: JSON.stringify(options.connections) }),
      ...options.env,
    });
    const path = join(world.dir, 'secrets.json');
    const secrets = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    secrets[SECRET_IDS.telegramBotToken] = CANARY_BOT_TOKEN;
    secrets[SECRET_IDS.telegramWebhookSecret] = CANARY_WEBHOOK_SECRET;
    for (const { id } of options.connections ?? []) {
      secrets[defaultConsumerSecretId(id)] = JSON.stringify(CANARY_CONSUMER);
    }
    await writeFile(path, JSON.stringify(secrets), { mode: 0o600 });
    const fx = await new FunctionsHarness(world).start();
    return new ChatWorld(bot, world, fx);
  }

  /** Telegram posting an update to the webhook, with the secret header. */
  post(update: unknown, secret: string | null = CANARY_WEBHOOK_SECRET): Promise<Answer> {
    return this.fx.call('telegramWebhook', '/', {
      headers: secret === null ? {} : { [TELEGRAM_SECRET_HEADER]: secret },
      body: update,
    });
  }

  /** A member typing `text` into a chat (the configured one by default); the update's message id. */
  async say(text: string, options: { chat?: number | string; from?: number } = {}): Promise<number> {
    const update = this.bot.receive({ chat: options.chat ?? TELEGRAM_CHAT, text, from: options.from });
    const answer = await this.post(update);
    if (answer.status !== 200) throw new Error(`telegramWebhook answered ${answer.status}`);
    return (update.message as { message_id: number }).message_id;
  }

  /** Opening a button's URL in the phone's browser: Hosting rewrites /renew to requestToken. */
  tap(url: string): Promise<Answer> {
    const { pathname, search } = new URL(url);
    return this.fx.call('requestToken', `${pathname}${search}`, { redirect: 'manual' });
  }

  /** The configured chat as it reads now. */
  chat(): ChatMessage[] {
    return this.bot.chat(TELEGRAM_CHAT);
  }

  /** The newest message from the bot. */
  last(): ChatMessage {
    const mine = this.chat().filter((message) => message.fromBot);
    return mine[mine.length - 1];
  }

  /** How many Bot API calls so far: `callsSince(mark)` are the ones after it. */
  mark(): number {
    return this.bot.requests.length;
  }

  callsSince(mark: number): { method: string; body: Record<string, unknown> }[] {
    return this.bot.log().slice(mark);
  }

  async close(): Promise<void> {
    await this.fx.close();
    await this.world.close();
    await this.bot.close();
  }
}

/** A button URL's single-use token written as `…`, so a call can be compared to the character. */
export function withoutTokens<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/([?&]t=)[\w-]+\.[\w-]+/g, '$1…')) as T;
}
