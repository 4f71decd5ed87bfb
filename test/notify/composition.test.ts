import { createContext } from '../../shared/app/createContext';
import { jsonLogger } from '../../shared/log';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { BotApiServer } from '../fakes/botApiServer';
import { SlackWebhookServer } from '../fakes/slackWebhookServer';
import {
  CANARY_BOT_SECRET_PART,
  CANARY_BOT_TOKEN,
  MapSecretReader,
  TELEGRAM_CHAT,
} from '../support/canaries';
import { LOGIN_LINK_KEY } from '../support/localWorld';
import { MemoryTokenLedger } from '../support/memoryTokenLedger';
import { sampleNotices } from '../support/sampleNotices';

const PAGE_URL = 'https://tokens.example.com';

/** createContext picks the channels from config; every notice fans out with a fresh sign-in link. */
describe('the notifier createContext composes', () => {
  let bot: BotApiServer;
  let slack: SlackWebhookServer;
  let logs: string[];
  let secrets: MapSecretReader;
  let reads: string[];
  let ledger: MemoryTokenLedger;

  beforeEach(async () => {
    bot = await new BotApiServer({ tokens: [CANARY_BOT_TOKEN], chats: [TELEGRAM_CHAT] }).start();
    slack = await new SlackWebhookServer().start();
    logs = [];
    reads = [];
    ledger = new MemoryTokenLedger();
    secrets = new MapSecretReader({
      [SECRET_IDS.loginLinkKey]: LOGIN_LINK_KEY,
      [SECRET_IDS.telegramBotToken]: CANARY_BOT_TOKEN,
      [SECRET_IDS.slackWebhookUrl]: slack.webhookUrl,
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await bot.close();
    await slack.close();
  });

  function context(env: Record<string, string>) {
    const counting = { read: (id: string) => (reads.push(id), secrets.read(id)) };
    return createContext(
      { PAGE_URL, TELEGRAM_API_ROOT: bot.url, ...env },
      { secrets: counting, log: jsonLogger((line) => logs.push(line)), ledger },
    );
  }
  const gcp = { USE_GCP: '1', GOOGLE_CLOUD_PROJECT: 'etrade-oauth-test' };
  const warning = () => sampleNotices()['keepalive.warning'];
  /** A notice the trader must act on: a death, with its renew action. */
  const death = () => sampleNotices()['token.expired'];
  const events = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('GCP with a chat and SLACK_ENABLED: Telegram gets a renew button, Slack a sign-in link with the renewal ready', async () => {
    const ctx = context({ ...gcp, TELEGRAM_CHAT_ID: TELEGRAM_CHAT, SLACK_ENABLED: '1' });
    expect(ctx.notifier).toBe(ctx.notifier);
    expect(reads).toEqual([]); // nothing is read before the first send
    await ctx.notifier.send(death());

    const [telegram] = bot.sent() as {
      reply_markup: { inline_keyboard: { text: string; url: string }[][] };
    }[];
    const [[button]] = telegram.reply_markup.inline_keyboard;
    expect(button).toEqual({
      text: 'Log in to E*TRADE (Live <IRA> & "Joint")',
      url: expect.stringMatching(`^${PAGE_URL}/renew\\?t=[\\w-]+\\.[\\w-]+$`),
    });
    const [posted] = slack.received as { blocks: { type: string; elements?: { url: string }[] }[] }[];
    const slackUrl = posted.blocks.find((b) => b.type === 'actions')?.elements?.[0].url;
    // Slack cannot take a pasted code: a sign-in link of its own, the renewal of that connection ready.
    expect(slackUrl).toMatch(new RegExp(`^${PAGE_URL}/login\\?t=[\\w-]+\\.[\\w-]+&renew=prod$`));
    // The Telegram alert is remembered, to be edited once the connection is renewed.
    expect([...ledger.chatAlerts.values()]).toEqual([
      expect.objectContaining({ chatId: TELEGRAM_CHAT, messageId: 1, connectionIds: ['prod'] }),
    ]);

    expect(events()).toContainEqual(
      expect.objectContaining({ message: 'notify.sent', delivered: 2, failed: 0 }),
    );
    expect(logs.join('\n')).not.toContain(CANARY_BOT_SECRET_PART);
    expect(ctx.telegram).toBeDefined();
  });

  it('a notice with nothing to do carries no link anywhere', async () => {
    const ctx = context({ ...gcp, TELEGRAM_CHAT_ID: TELEGRAM_CHAT, SLACK_ENABLED: '1' });
    await ctx.notifier.send(warning());
    expect(bot.sent()[0].reply_markup).toBeUndefined();
    expect(JSON.stringify(slack.received)).not.toMatch(/login\?t=|renew\?t=/);
    expect(reads).not.toContain(SECRET_IDS.loginLinkKey);
  });

  it('GCP without any chat channel: the notice is a Cloud Logging line, without its link', async () => {
    const ctx = context(gcp);
    await ctx.notifier.send(warning());
    expect(ctx.telegram).toBeUndefined();
    expect(bot.requests).toEqual([]);
    expect(events()).toContainEqual({
      severity: 'INFO',
      message: 'notice',
      kind: 'keepalive.warning',
      connection: 'prod',
      title: warning().title,
    });
    expect(logs.join('\n')).not.toContain('/login?t=');
  });

  it('GCP with a chat but no bot token: a logged ERR_CHANNEL_NOT_CONFIGURED, Slack still delivers', async () => {
    secrets.values.delete(SECRET_IDS.telegramBotToken);
    const ctx = context({ ...gcp, TELEGRAM_CHAT_ID: TELEGRAM_CHAT, SLACK_ENABLED: 'true' });
    await ctx.notifier.send(warning());
    expect(slack.received).toHaveLength(1);
    expect(events()).toContainEqual(
      expect.objectContaining({
        message: 'notify.channel_failed',
        channel: 'telegram',
        code: 'ERR_CHANNEL_NOT_CONFIGURED',
      }),
    );
  });

  it('locally: the console, plus Telegram once a chat id and a bot token exist', async () => {
    const printed: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((text) => (printed.push(String(text)), true));

    await context({}).notifier.send(warning());
    expect(printed.join('')).toContain('[keepalive.warning]');
    expect(bot.requests).toEqual([]);

    await context({ TELEGRAM_CHAT_ID: TELEGRAM_CHAT }).notifier.send(warning());
    expect(bot.sent()).toHaveLength(1);

    // A chat id without a token is Telegram not set up yet: the console alone, and no failure.
    secrets.values.delete(SECRET_IDS.telegramBotToken);
    logs.length = 0;
    await context({ TELEGRAM_CHAT_ID: TELEGRAM_CHAT }).notifier.send(warning());
    expect(bot.sent()).toHaveLength(1);
    expect(events().filter((e) => e.message === 'notify.channel_failed')).toEqual([]);
  });
});
