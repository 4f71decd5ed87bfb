import { randomUUID } from 'node:crypto';

import { type Message, PubSub } from '@google-cloud/pubsub';

import { ensureTopic } from '../../shared/adapters/gcp/pubSubEventBus';
import { PubSubNoticeOutbox } from '../../shared/adapters/gcp/pubSubNoticeOutbox';
import { InlineNoticeOutbox } from '../../shared/adapters/local/inlineNoticeOutbox';
import { jsonLogger } from '../../shared/log';
import { deliverQueuedNotice } from '../../shared/outbox/deliverQueuedNotice';
import type { Notice } from '../../shared/ports/notifier';
import { readPubSubMessage } from '../../shared/triggers/pubsubMessage';
import { type NoticeOutboxHarness, noticeOutboxContract } from '../contracts/noticeOutbox.contract';
import { Inbox } from '../contracts/eventBus.contract';
import { RecordingNotifier } from '../support/recordingNotifier';
import { PAGE_URL } from '../support/sampleNotices';

const suffix = randomUUID().slice(0, 8);
let harnesses = 0;

/** The chat side of a deliverer: what reaches the channels, which make their own links. */
function chat(): { recording: RecordingNotifier; notifier: RecordingNotifier } {
  const recording = new RecordingNotifier();
  return { recording, notifier: recording };
}

/** Waits, up to a bound, until the recording holds `count` more notices than it had handed out. */
function takeFrom(recording: RecordingNotifier, boundMs: number): (count: number) => Promise<Notice[]> {
  let taken = 0;
  return async (count) => {
    const deadline = Date.now() + boundMs;
    while (recording.notices.length < taken + count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(recording.notices.length - taken).toBeGreaterThanOrEqual(count);
    const out = recording.notices.slice(taken, taken + count);
    taken += count;
    return out;
  };
}

async function inlineHarness(): Promise<NoticeOutboxHarness> {
  const { recording, notifier } = chat();
  return {
    outbox: new InlineNoticeOutbox(notifier),
    delivered: takeFrom(recording, 1_000),
    cleanup: async () => undefined,
  };
}

/**
 * A unique topic on the real emulator with one subscription standing in for Eventarc: each message
 * goes, as the CloudEvent's data, through the `notices` function's use case to the chat.
 */
async function pubSubHarness(): Promise<
  NoticeOutboxHarness & { pubsub: PubSub; raw: Inbox; topicName: string }
> {
  const pubsub = new PubSub();
  const topicName = `notices-${suffix}-${++harnesses}`;
  const topic = await ensureTopic(pubsub, topicName);
  const [subscription] = await topic.createSubscription(`${topicName}-sub`);
  const { recording, notifier } = chat();
  const logs: string[] = [];
  const raw = new Inbox(10_000);
  const seen = new Set<string>();
  subscription.on('message', (message: Message) => {
    message.ack();
    if (seen.has(message.id)) return;
    seen.add(message.id);
    const data = message.data.toString('utf8');
    raw.push({
      messageId: message.id,
      event: JSON.parse(data),
      raw: { data, attributes: { ...message.attributes } },
    });
    const pushed = { message: { data: message.data.toString('base64'), messageId: message.id } };
    void deliverQueuedNotice(
      { notifier, log: jsonLogger((line) => logs.push(line)) },
      readPubSubMessage(pushed),
    );
  });
  return {
    pubsub,
    raw,
    topicName,
    outbox: new PubSubNoticeOutbox(pubsub, topicName),
    delivered: takeFrom(recording, 10_000),
    cleanup: async () => {
      await subscription.close();
      await subscription.delete();
      await topic.delete();
      await pubsub.close();
    },
  };
}

noticeOutboxContract('InlineNoticeOutbox', inlineHarness);
noticeOutboxContract(
  'PubSubNoticeOutbox on the Pub/Sub emulator, drained by deliverQueuedNotice',
  pubSubHarness,
);

describe('PubSubNoticeOutbox', () => {
  let harness: Awaited<ReturnType<typeof pubSubHarness>>;

  beforeAll(async () => {
    harness = await pubSubHarness();
  });
  afterAll(() => harness?.cleanup());

  it('queues the notice as JSON without a link, with its kind and connection as attributes', async () => {
    await harness.outbox.post({
      kind: 'renewal.failed',
      connectionId: 'prod',
      title: 'Live: renewal failed',
      lines: ['Storage is unavailable right now.'],
      action: { kind: 'renew', targets: [{ connectionId: 'prod', label: 'Live' }], until: new Date(0) },
      footer: ['For support: ERR_STORE_UNAVAILABLE.'],
      link: { text: 'Open', url: `${PAGE_URL}/login?t=CANARY-SIGN-IN-TOKEN` },
    });

    const [message] = await harness.raw.take(1);
    expect(JSON.parse(message.raw?.data ?? 'null')).toEqual({
      kind: 'renewal.failed',
      connectionId: 'prod',
      title: 'Live: renewal failed',
      lines: ['Storage is unavailable right now.'],
      footer: ['For support: ERR_STORE_UNAVAILABLE.'],
      action: {
        kind: 'renew',
        until: '1970-01-01T00:00:00.000Z',
        targets: [{ connectionId: 'prod', label: 'Live' }],
      },
    });
    expect(message.raw?.attributes).toEqual({ kind: 'renewal.failed', connectionId: 'prod' });
    expect(JSON.stringify(message.raw)).not.toContain('CANARY');
    await harness.delivered(1);
  });

  it('does not create a missing topic: the post fails, so the caller can say the notice was not queued', async () => {
    const outbox = new PubSubNoticeOutbox(harness.pubsub, `missing-${suffix}`);
    await expect(outbox.post({ kind: 'login.link', title: 'Sign in', lines: [] })).rejects.toMatchObject({
      code: 5, // gRPC NOT_FOUND
    });
  });

  it('loads no Pub/Sub client when its module is imported (the PubSub type is import-only)', async () => {
    jest.doMock('@google-cloud/pubsub', () => {
      throw new Error('@google-cloud/pubsub was loaded');
    });
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../shared/adapters/gcp/pubSubNoticeOutbox')).resolves.toHaveProperty(
          'PubSubNoticeOutbox',
        );
      });
    } finally {
      jest.dontMock('@google-cloud/pubsub');
    }
  });
});
