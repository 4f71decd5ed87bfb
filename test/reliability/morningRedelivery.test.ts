import { documentId } from '../../shared/adapters/gcp/firestoreTokenLedger';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { SlackWebhookServer } from '../fakes/slackWebhookServer';
import { TEST_PROJECT_ID } from '../global/testEnv';
import { CANARY_BOT_SECRET_PART } from '../support/canaries';
import { World, startGcpBackbone, type StartedBackbone } from './support/world';

/**
 * The morning reminder when the chat fails at 08:30, on the GCP composition (Firestore emulator, the
 * Secret Manager fake, the Telegraf adapter against the local Bot API server), through the deployed
 * entry point as functions-framework serves it. Pub/Sub redelivers a message whose handler answered
 * non-2xx (infra: RETRY_POLICY_RETRY), so a reminder that reached nobody must fail the run and leave
 * the day's marker free; one that reached any channel is done.
 */

const TUESDAY_1000_ET = '2026-11-24T15:00:00Z'; // yesterday's renewal
const WEDNESDAY_0830_ET = '2026-11-25T13:30:00Z'; // that token died at midnight
const WEDNESDAY_OPEN = '2026-11-25T14:30:00Z'; // 09:30 ET: the reminder's cut-off
const REMINDER_MARKER = 'morning-alert:2026-11-25';

describe('the morning reminder under Pub/Sub redelivery', () => {
  let backbone: StartedBackbone;
  let world: World | undefined;
  let slack: SlackWebhookServer | undefined;

  beforeAll(async () => {
    backbone = await startGcpBackbone();
  });
  afterEach(async () => {
    await world?.close();
    await slack?.close();
    world = undefined;
    slack = undefined;
  });
  afterAll(() => backbone.close());

  /** A renewed token from yesterday, the clock at `at`, the Bot API's log emptied. */
  async function morningOf(at: string, env: Record<string, string> = {}): Promise<World> {
    world = await World.gcp(backbone, { startAt: TUESDAY_1000_ET, telegram: true, env });
    if (env.SLACK_ENABLED) await addSlackWebhook(world);
    await world.renew();
    world.at(at);
    world.bot!.requests.splice(0);
    return world;
  }

  async function addSlackWebhook(w: World): Promise<void> {
    slack = await new SlackWebhookServer().start();
    const { client } = w.secretManager!;
    const parent = `projects/${TEST_PROJECT_ID}`;
    const secretId = SECRET_IDS.slackWebhookUrl;
    await client.createSecret({ parent, secretId, secret: { replication: { automatic: {} } } });
    await client.addSecretVersion({
      parent: `${parent}/secrets/${secretId}`,
      payload: { data: Buffer.from(slack.webhookUrl) },
    });
  }

  async function markerStored(w: World, key: string): Promise<boolean> {
    const markers = backbone.firestore.collection(`${w.collectionPrefix}markers`);
    return (await markers.doc(documentId(key, 'key')).get()).exists;
  }

  const reminders = (w: World) => w.events('notify.sent').filter((e) => e.kind === 'morning.reminder');

  it('Telegram-only, Telegram 502 at 08:30: the run fails, the day is given back; the redelivery sends exactly one', async () => {
    const w = await morningOf(WEDNESDAY_0830_ET);
    const bot = w.bot!;
    bot.failWith(502, 'Bad Gateway');

    // functions-framework answers non-2xx: Pub/Sub will redeliver the same message.
    expect(await w.fx.deliver('morningAlert', {}, 'tick-0830')).toBe(500);
    expect(w.events('morningAlert.failed').at(-1)).toMatchObject({
      messageId: 'tick-0830',
      code: 'ERR_NOTICE_UNDELIVERED',
    });
    expect(w.events('morning_notice.undelivered')).toEqual([
      expect.objectContaining({
        marker: REMINDER_MARKER,
        kind: 'morning.reminder',
        delivered: 0,
        failed: 1,
        released: true,
      }),
    ]);
    expect(w.events('morningAlert.done')).toEqual([]);
    expect(await markerStored(w, REMINDER_MARKER)).toBe(false);
    expect(bot.sent()).toHaveLength(1); // the refused attempt

    // Telegram is back; Pub/Sub redelivers 40 s later.
    w.advance(40_000);
    expect(await w.fx.deliver('morningAlert', {}, 'tick-0830')).toBe(204);
    expect(w.events('morningAlert.done').at(-1)).toMatchObject({ sent: true, reason: 'sent' });
    expect(await markerStored(w, REMINDER_MARKER)).toBe(true);

    // Any further delivery finds the day told.
    w.advance(40_000);
    expect(await w.fx.deliver('morningAlert', {}, 'tick-0830')).toBe(204);
    expect(w.events('morningAlert.done').at(-1)).toMatchObject({ sent: false, reason: 'already-sent' });
    expect(reminders(w).map(({ delivered, failed }) => ({ delivered, failed }))).toEqual([
      { delivered: 0, failed: 1 },
      { delivered: 1, failed: 0 },
    ]);
    expect(bot.sent()).toHaveLength(2); // one refused, one reminder: the trader was told once

    expect(w.logs.join('\n')).not.toContain(CANARY_BOT_SECRET_PART);
    expect(w.logs.join('\n')).not.toContain('?t=');
  });

  it('concurrent redeliveries once Telegram is back send exactly one reminder', async () => {
    const w = await morningOf(WEDNESDAY_0830_ET);
    w.bot!.failWith(502, 'Bad Gateway');
    expect(await w.fx.deliver('morningAlert', {}, 'tick-0830')).toBe(500);

    w.advance(40_000);
    const statuses = await Promise.all([1, 2, 3].map(() => w.fx.deliver('morningAlert', {}, 'tick-0830')));
    expect(statuses).toEqual([204, 204, 204]);
    const reasons = w.events('morningAlert.done').map((e) => e.reason);
    expect(reasons.sort()).toEqual(['already-sent', 'already-sent', 'sent']);
    expect(reminders(w).filter((e) => Number(e.delivered) > 0)).toHaveLength(1);
    expect(w.bot!.sent()).toHaveLength(2);
  });

  it('a redelivery after the open acknowledges without sending, and logs why', async () => {
    const w = await morningOf('2026-11-25T14:29:00Z'); // 09:29 ET, the window's last minute
    w.bot!.failWith(502, 'Bad Gateway');
    expect(await w.fx.deliver('morningAlert', {}, 'tick-late')).toBe(500);

    // Telegram is back, but Pub/Sub's retry comes at the open: the reminder's moment has passed.
    w.at(WEDNESDAY_OPEN);
    expect(await w.fx.deliver('morningAlert', {}, 'tick-late')).toBe(204);
    expect(w.events('morningAlert.done').at(-1)).toMatchObject({ sent: false, reason: 'outside-window' });
    expect(w.events('morning_alert.decided').at(-1)).toMatchObject({
      reason: 'outside-window',
      late: true,
      cutoff: '2026-11-25T14:30:00.000Z',
    });
    expect(reminders(w).filter((e) => Number(e.delivered) > 0)).toEqual([]);
    expect(w.bot!.sent()).toHaveLength(1); // only the refused attempt
    expect(await markerStored(w, REMINDER_MARKER)).toBe(false);
  });

  it('Telegram and Slack, Telegram 502: Slack told the trader, so the run succeeds and is not retried', async () => {
    const w = await morningOf(WEDNESDAY_0830_ET, { SLACK_ENABLED: '1' });
    const received = slack!.received.length; // yesterday's renewal notice
    w.bot!.failWith(502, 'Bad Gateway');

    expect(await w.fx.deliver('morningAlert', {}, 'tick-0830')).toBe(204);
    expect(w.events('morningAlert.done').at(-1)).toMatchObject({ sent: true, reason: 'sent' });
    expect(reminders(w).at(-1)).toMatchObject({ delivered: 1, failed: 1 });
    expect(w.events('morning_notice.undelivered')).toEqual([]);
    expect(slack!.received.length - received).toBe(1);

    // A duplicate delivery (Pub/Sub is at-least-once) does not repeat it on either channel.
    expect(await w.fx.deliver('morningAlert', {}, 'tick-0830')).toBe(204);
    expect(w.events('morningAlert.done').at(-1)).toMatchObject({ reason: 'already-sent' });
    expect(slack!.received.length - received).toBe(1);
    expect(w.bot!.sent()).toHaveLength(1);
  });

  it('the 09:15 escalation likewise: 502 fails the run, the redelivery before the open sends one', async () => {
    const w = await morningOf('2026-11-25T14:15:00Z');
    w.bot!.failWith(502, 'Bad Gateway');
    expect(await w.fx.deliver('morningAlert', { stage: 'escalation' }, 'tick-0915')).toBe(500);
    expect(w.events('morning_notice.undelivered')).toEqual([
      expect.objectContaining({ marker: 'morning-escalation:2026-11-25', released: true }),
    ]);

    w.advance(60_000);
    expect(await w.fx.deliver('morningAlert', { stage: 'escalation' }, 'tick-0915')).toBe(204);
    expect(await w.fx.deliver('morningAlert', { stage: 'escalation' }, 'tick-0915')).toBe(204);
    const escalations = w.events('notify.sent').filter((e) => e.kind === 'morning.escalation');
    expect(escalations.map((e) => e.delivered)).toEqual([0, 1]);
    expect(w.events('morningAlert.done').map((e) => e.reason)).toEqual(['sent', 'already-sent']);
  });
  it('a manual run (POST /cron/morning-alert) that reached nobody answers 503 JSON and leaves the day free', async () => {
    const w = await morningOf(WEDNESDAY_0830_ET);
    await w.signIn();
    w.bot!.failWith(502, 'Bad Gateway');
    const refused = await w.fx.call('actions', '/cron/morning-alert', { body: {}, credentials: w.trader });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.body).toEqual({
      error: {
        code: 'ERR_NOTICE_UNDELIVERED',
        message: 'The reminder could not reach any chat right now. Try again shortly.',
        details: { kind: 'morning.reminder', failed: 1 },
      },
    });

    const again = await w.fx.call('actions', '/cron/morning-alert', { body: {}, credentials: w.trader });
    expect(again).toMatchObject({ status: 200, body: { sent: true, reason: 'sent' } });
    expect(w.bot!.sent()).toHaveLength(2);
  });
});
