import { isAppError } from '../../shared/app/errors';
import { jsonLogger } from '../../shared/log';
import { fanOutNotifier } from '../../shared/notify/fanOut';
import { deliverQueuedNotice } from '../../shared/outbox/deliverQueuedNotice';
import type { Notice, Notifier } from '../../shared/ports/notifier';
import { noticeToWire } from '../../shared/ports/noticeOutbox';
import { readPubSubMessage } from '../../shared/triggers/pubsubMessage';
import { RecordingNotifier } from '../support/recordingNotifier';

/** The `notices` function's use case: a queued notice, as Eventarc pushes it, to every chat channel. */

const NOTICE: Notice = {
  kind: 'renewal.succeeded',
  connectionId: 'prod',
  title: 'Live: token renewed',
  lines: ['Generation 2, 1 open account(s).', 'Valid until Nov 26, 2026, 12:00 AM ET.'],
};

const pushed = (data: unknown) =>
  readPubSubMessage({
    message: {
      ...(data !== undefined && { data: Buffer.from(JSON.stringify(data)).toString('base64') }),
      messageId: 'm-1',
    },
  });

const failing: Notifier = {
  send: async () => {
    throw Object.assign(new Error('telegram down'), { code: 'ERR_CHANNEL_UNAVAILABLE' });
  },
};

function world(channels: { name: string; notifier: Notifier }[]) {
  const logs: string[] = [];
  const log = jsonLogger((line) => logs.push(line));
  return { logs, ctx: { notifier: fanOutNotifier(channels, log), log } };
}

describe('deliverQueuedNotice', () => {
  it('sends the notice to every channel; one channel taking it is enough', async () => {
    const slack = new RecordingNotifier();
    const { ctx } = world([
      { name: 'telegram', notifier: failing },
      { name: 'slack', notifier: slack },
    ]);

    await expect(deliverQueuedNotice(ctx, pushed(noticeToWire(NOTICE)))).resolves.toEqual({
      kind: 'renewal.succeeded',
      connection: 'prod',
      delivered: 1,
      failed: 1,
    });
    expect(slack.notices).toEqual([NOTICE]);
  });

  it('fails the run when no channel took it, so Pub/Sub delivers it again, and logs an ERROR without its text', async () => {
    const { ctx, logs } = world([{ name: 'telegram', notifier: failing }]);

    const error = await deliverQueuedNotice(ctx, pushed(noticeToWire(NOTICE))).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('ERR_NOTICE_UNDELIVERED');
    const entries = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        severity: 'ERROR',
        message: 'notice.undelivered',
        kind: 'renewal.succeeded',
        connection: 'prod',
      }),
    );
    expect(logs.join('\n')).not.toContain('Generation 2');
  });

  it.each([
    ['not a notice', { type: 'token.renewed', connectionId: 'prod', generation: 2 }],
    ['an unknown kind', { ...noticeToWire(NOTICE), kind: 'renewal.maybe' }],
    ['lines that are not text', { ...noticeToWire(NOTICE), lines: [{ html: '<b>' }] }],
    ['an empty message', undefined],
  ])('acknowledges %s without sending anything: no redelivery could fix it', async (_what, data) => {
    const telegram = new RecordingNotifier();
    const { ctx, logs } = world([{ name: 'telegram', notifier: telegram }]);

    await expect(deliverQueuedNotice(ctx, pushed(data))).resolves.toMatchObject({ unreadable: true });
    expect(telegram.notices).toEqual([]);
    expect(logs.map((line) => JSON.parse(line).message)).toEqual(['notice.unreadable']);
  });
});
