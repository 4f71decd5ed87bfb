import { inspect } from 'node:util';
import { SlackWebhookNotifier } from '../../shared/adapters/slack/slackWebhookNotifier';
import { jsonLogger } from '../../shared/log';
import { ChannelError } from '../../shared/notify/errors';
import { NOTICE_KINDS } from '../../shared/ports/notifier';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { SlackWebhookServer } from '../fakes/slackWebhookServer';
import { MapSecretReader } from '../support/canaries';
import { PAGE_URL, presentedSamples, SIGN_IN_URL } from '../support/sampleNotices';

const WEBHOOK_SECRET_PART = 'CANARYslackwebhooksecret';
const LOGIN = {
  kind: 'login.link' as const,
  title: 'Sign in to the E*TRADE token page',
  lines: ['This link works once, until 9:00 AM ET.'],
  buttons: [{ text: 'Open the token page', url: SIGN_IN_URL }],
};

describe('SlackWebhookNotifier against a local incoming-webhook receiver', () => {
  let slack: SlackWebhookServer;
  let secrets: MapSecretReader;
  let logs: string[];

  beforeEach(async () => {
    slack = await new SlackWebhookServer().start();
    secrets = new MapSecretReader({ [SECRET_IDS.slackWebhookUrl]: `${slack.webhookUrl}\n` });
    logs = [];
  });
  afterEach(() => slack.close());

  const notifier = (timeoutMs?: number) =>
    new SlackWebhookNotifier({ secrets, log: jsonLogger((line) => logs.push(line)), timeoutMs });

  // Slack cannot take a pasted code: its button signs in to the page with the renewal ready.
  const RENEW = `${SIGN_IN_URL}&renew=prod`;

  it('posts the reminder as {text, blocks}: plain-text title and lines, a button, no unfurling', async () => {
    await notifier().send((await presentedSamples('page'))['morning.reminder']);
    const lines = [
      'The market opens at 9:30 AM ET today, Tuesday, March 10.',
      'Live <IRA> & "Joint": no token yet.',
      'Open the link, log in to E*TRADE, then enter the 5-character code on the token page.',
      'The link works once, until 9:00 AM ET.',
    ];
    expect(slack.received).toEqual([
      {
        text: [
          '⏰ Renew E*TRADE before the open',
          ...lines.map((line) => line.replace('<IRA> &', '&lt;IRA&gt; &amp;')),
          `<${RENEW}|Renew Live &lt;IRA&gt; &amp; "Joint">`,
        ].join('\n'),
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: '⏰ Renew E*TRADE before the open' } },
          { type: 'section', text: { type: 'plain_text', text: lines.join('\n') } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Renew Live <IRA> & "Joint"' },
                url: RENEW,
              },
            ],
          },
        ],
        unfurl_links: false,
        unfurl_media: false,
      },
    ]);
  });

  it('the escalation calls the channel (@here) and its button is red', async () => {
    await notifier().send((await presentedSamples('page'))['morning.escalation']);
    const [body] = slack.received as {
      text: string;
      blocks: { type: string; text?: unknown; elements?: unknown[] }[];
    }[];
    expect(body.text.split('\n').slice(0, 2)).toEqual([
      '<!here>',
      '🚨 E*TRADE not renewed: the market opens in 15 min',
    ]);
    expect(body.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<!here>' } });
    expect(body.blocks.at(-1)?.elements).toEqual([
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Renew Live <IRA> & "Joint"' },
        url: RENEW,
        style: 'danger',
      },
    ]);
  });

  it('one button per connection to renew, in one actions block', async () => {
    const buttons = [
      { text: 'Renew Live', url: `${SIGN_IN_URL}&renew=prod` },
      { text: 'Renew IRA', url: `${SIGN_IN_URL}&renew=ira` },
    ];
    await notifier().send({ kind: 'morning.reminder', title: 'Renew', lines: [], buttons });
    const [body] = slack.received as { blocks: { type: string; elements?: { url: string }[] }[] }[];
    expect(body.blocks.at(-1)?.elements?.map((e) => e.url)).toEqual(buttons.map((b) => b.url));
  });

  it('a mention or link typed into a label is text, not a ping', async () => {
    await notifier().send({
      kind: 'keepalive.warning',
      title: 'x <!channel> & <https://evil.example|click>',
      lines: ['<@U123> <!everyone>'],
      buttons: [{ text: 'Check', url: `${PAGE_URL}/?a=1|b>c` }],
    });
    const [body] = slack.received as { text: string }[];
    expect(body.text).toBe(
      [
        '⚠️ x &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;',
        '&lt;@U123&gt; &lt;!everyone&gt;',
        `<${PAGE_URL}/?a=1%7Cb%3Ec|Check>`,
      ].join('\n'),
    );
  });

  it.each(NOTICE_KINDS.map((kind) => [kind]))('the receiver accepts %s', async (kind) => {
    await notifier().send((await presentedSamples('page'))[kind]);
    expect(slack.received).toHaveLength(1);
  });

  it.each([
    ['an unknown hook', 'ERR_CHANNEL_REJECTED', { status: 404, body: 'no_service' }, 'no_service'],
    ['rate limiting', 'ERR_CHANNEL_RATE_LIMITED', { status: 429, body: 'rate_limited' }, 'rate_limited'],
    [
      'an outage',
      'ERR_CHANNEL_UNAVAILABLE',
      { status: 503, body: '<html>Service Unavailable</html>' },
      undefined,
    ],
  ])('%s → %s', async (_what, code, answer, reason) => {
    slack.faults.push({ kind: 'answer', ...answer, type: 'text/html' });
    const error = await notifier()
      .send(LOGIN)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code, channel: 'slack', details: { status: answer.status, reason } });
    expectNoCanary(error);
  });

  it('a hung receiver is abandoned after the timeout; a reset is unreachable', async () => {
    slack.faults.push({ kind: 'hang' });
    await expect(notifier(200).send(LOGIN)).rejects.toMatchObject({
      code: 'ERR_CHANNEL_TIMEOUT',
    });
    slack.faults.push({ kind: 'reset' });
    const error = await notifier()
      .send(LOGIN)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_UNREACHABLE' });
    expectNoCanary(error);
  });

  it('a missing or malformed webhook URL secret is ERR_CHANNEL_NOT_CONFIGURED', async () => {
    secrets.values.delete(SECRET_IDS.slackWebhookUrl);
    await expect(notifier().send(LOGIN)).rejects.toMatchObject({
      code: 'ERR_CHANNEL_NOT_CONFIGURED',
    });
    secrets.values.set(SECRET_IDS.slackWebhookUrl, `javascript:${WEBHOOK_SECRET_PART}`);
    const error = await notifier()
      .send(LOGIN)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHANNEL_NOT_CONFIGURED' });
    expectNoCanary(error);
  });

  it('never logs the webhook URL', async () => {
    const slackLog = jsonLogger((line) => logs.push(line));
    await new SlackWebhookNotifier({ secrets, log: slackLog }).send(LOGIN);
    slackLog.warn('probe', { url: slack.webhookUrl });
    expect(logs.join('\n')).not.toContain(WEBHOOK_SECRET_PART);
  });

  function expectNoCanary(error: unknown) {
    for (const form of [String(error), inspect(error, { depth: 5 }), JSON.stringify(error)]) {
      expect(form).not.toContain(WEBHOOK_SECRET_PART);
    }
  }
});
