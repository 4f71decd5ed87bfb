import { TelegrafNotifier } from '../../shared/adapters/telegram/telegrafNotifier';
import { SlackWebhookNotifier } from '../../shared/adapters/slack/slackWebhookNotifier';
import { jsonLogger, type Logger } from '../../shared/log';
import { fanOutNotifier } from '../../shared/notify/fanOut';
import type { Notice, Notifier } from '../../shared/ports/notifier';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { BotApiServer } from '../fakes/botApiServer';
import { SlackWebhookServer } from '../fakes/slackWebhookServer';
import {
  CANARY_BOT_SECRET_PART,
  CANARY_BOT_TOKEN,
  MapSecretReader,
  TELEGRAM_CHAT,
} from '../support/canaries';
import { RecordingNotifier } from '../support/recordingNotifier';
import { SwitchableChannel } from '../support/switchableChannel';
import { SIGN_IN_URL, sampleNotices } from '../support/sampleNotices';

describe('fanOutNotifier over telegraf (local Bot API server) and Slack (local receiver)', () => {
  let bot: BotApiServer;
  let slack: SlackWebhookServer;
  let logs: string[];
  let log: Logger;

  beforeEach(async () => {
    bot = await new BotApiServer({ tokens: [CANARY_BOT_TOKEN], chats: [TELEGRAM_CHAT] }).start();
    slack = await new SlackWebhookServer().start();
    logs = [];
    log = jsonLogger((line) => logs.push(line));
  });
  afterEach(async () => {
    await bot.close();
    await slack.close();
  });

  function channels(telegramTimeoutMs = 5_000) {
    const secrets = new MapSecretReader({
      [SECRET_IDS.telegramBotToken]: CANARY_BOT_TOKEN,
      [SECRET_IDS.slackWebhookUrl]: slack.webhookUrl,
    });
    return fanOutNotifier(
      [
        {
          name: 'telegram',
          notifier: new TelegrafNotifier({
            secrets,
            chatId: TELEGRAM_CHAT,
            apiRoot: bot.url,
            log,
            timeoutMs: telegramTimeoutMs,
          }),
        },
        { name: 'slack', notifier: new SlackWebhookNotifier({ secrets, log, timeoutMs: 5_000 }) },
      ],
      log,
    );
  }

  const events = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const notice = () => sampleNotices()['morning.reminder'];

  it('delivers to both and counts it', async () => {
    const fanOut = channels();
    await fanOut.send(notice());
    expect(bot.sent()).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
    expect(fanOut.counts()).toEqual({ telegram: { sent: 1, failed: 0 }, slack: { sent: 1, failed: 0 } });
    expect(events()).toContainEqual(
      expect.objectContaining({ message: 'notify.sent', kind: 'morning.reminder', delivered: 2, failed: 0 }),
    );
  });

  it('a Bot API error: Slack still delivers; the failure is logged with channel and code, and counted', async () => {
    bot.failWith(400, `Bad Request: can't parse entities in ${SIGN_IN_URL}`);
    const fanOut = channels();
    await expect(fanOut.send(notice())).resolves.toEqual({ delivered: 1, failed: 1 });

    expect(slack.received).toHaveLength(1);
    expect(fanOut.counts()).toEqual({
      telegram: { sent: 0, failed: 1, lastErrorCode: 'ERR_CHANNEL_REJECTED' },
      slack: { sent: 1, failed: 0 },
    });
    expect(events()).toContainEqual({
      severity: 'WARNING',
      message: 'notify.channel_failed',
      channel: 'telegram',
      kind: 'morning.reminder',
      connection: 'prod',
      code: 'ERR_CHANNEL_REJECTED',
      status: 400,
    });
    expectCleanLogs();
  });

  it('a hung Bot API: Slack delivers at once; send resolves once Telegram times out', async () => {
    bot.faults.push({ kind: 'hang' });
    const fanOut = channels(400);
    let settled = false;
    const sending = fanOut.send(notice()).then(() => (settled = true));
    await until(() => slack.received.length === 1);
    expect(settled).toBe(false); // Slack did not wait for Telegram
    await sending;
    expect(fanOut.counts().telegram).toEqual({ sent: 0, failed: 1, lastErrorCode: 'ERR_CHANNEL_TIMEOUT' });
    expect(fanOut.counts().slack).toEqual({ sent: 1, failed: 0 });
    expectCleanLogs();
  });

  it('a reset Slack connection: Telegram delivers', async () => {
    slack.faults.push({ kind: 'reset' });
    const fanOut = channels();
    await fanOut.send(notice());
    expect(bot.sent()).toHaveLength(1);
    expect(fanOut.counts().slack).toMatchObject({ failed: 1, lastErrorCode: 'ERR_CHANNEL_UNREACHABLE' });
    expectCleanLogs();
  });

  it('every channel failing still resolves, with each failure logged', async () => {
    bot.failWith(502, 'Bad Gateway');
    slack.faults.push({ kind: 'answer', status: 500, body: 'oops', type: 'text/plain' });
    const fanOut = channels();
    await expect(fanOut.send(notice())).resolves.toEqual({ delivered: 0, failed: 2 });
    const failed = events().filter((e) => e.message === 'notify.channel_failed');
    expect(failed.map((e) => [e.channel, e.code])).toEqual([
      ['telegram', 'ERR_CHANNEL_UNAVAILABLE'],
      ['slack', 'ERR_CHANNEL_UNAVAILABLE'],
    ]);
    expect(events()).toContainEqual(
      expect.objectContaining({ message: 'notify.sent', delivered: 0, failed: 2 }),
    );
  });

  function expectCleanLogs() {
    const text = logs.join('\n');
    expect(text).not.toContain(CANARY_BOT_SECRET_PART);
    expect(text).not.toContain('CANARYslackwebhooksecret');
    expect(text).not.toContain(SIGN_IN_URL);
    expect(text).not.toContain('Renew E*TRADE'); // no notice text
  }
});

describe('fanOutNotifier with stand-in channels', () => {
  const notice: Notice = { kind: 'login.link', title: 't', lines: [] };

  it('a channel that never settles is cut off by the backstop; the others are not kept waiting', async () => {
    const logs: string[] = [];
    const fast = new RecordingNotifier();
    const never: Notifier = { send: () => new Promise<void>(() => undefined) };
    const fanOut = fanOutNotifier(
      [
        { name: 'stuck', notifier: never },
        { name: 'fast', notifier: fast },
      ],
      jsonLogger((line) => logs.push(line)),
      { settleTimeoutMs: 50 },
    );
    expect(await fanOut.send(notice)).toEqual({ delivered: 1, failed: 1 });
    expect(fast.notices).toEqual([notice]);
    expect(fanOut.counts().stuck).toEqual({ sent: 0, failed: 1, lastErrorCode: 'ERR_CHANNEL_TIMEOUT' });
  });

  it('resolves with how many channels the notice reached, so a caller can tell "nobody"', async () => {
    const telegram = new SwitchableChannel();
    const slack = new SwitchableChannel();
    const logs: string[] = [];
    const fanOut = fanOutNotifier(
      [
        { name: 'telegram', notifier: telegram },
        { name: 'slack', notifier: slack },
      ],
      jsonLogger((line) => logs.push(line)),
    );
    expect(await fanOut.send(notice)).toEqual({ delivered: 2, failed: 0 });
    telegram.down = true;
    expect(await fanOut.send(notice)).toEqual({ delivered: 1, failed: 1 });
    slack.down = true;
    expect(await fanOut.send(notice)).toEqual({ delivered: 0, failed: 2 });
    const sent = logs.map((line) => JSON.parse(line)).filter((entry) => entry.message === 'notify.sent');
    expect(sent.map(({ delivered, failed }) => ({ delivered, failed }))).toEqual([
      { delivered: 2, failed: 0 },
      { delivered: 1, failed: 1 },
      { delivered: 0, failed: 2 },
    ]);
  });

  it('an unexpected error is logged by a generic code, never by its message', async () => {
    const logs: string[] = [];
    const leaky: Notifier = {
      send: async () => {
        throw new Error(`request to https://api.telegram.org/bot${CANARY_BOT_TOKEN}/sendMessage failed`);
      },
    };
    const fanOut = fanOutNotifier(
      [{ name: 'leaky', notifier: leaky }],
      jsonLogger((line) => logs.push(line)),
    );
    await fanOut.send(notice);
    expect(fanOut.counts().leaky.lastErrorCode).toBe('ERR_CHANNEL_INTERNAL');
    expect(logs.join('\n')).not.toContain(CANARY_BOT_SECRET_PART);
  });

  it('no channels: resolves, nothing to count', async () => {
    const fanOut = fanOutNotifier(
      [],
      jsonLogger(() => undefined),
    );
    expect(await fanOut.send(notice)).toEqual({ delivered: 0, failed: 0 });
    expect(fanOut.counts()).toEqual({});
  });
});

/** Polls a condition on the event loop (no fixed sleeps); fails after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
