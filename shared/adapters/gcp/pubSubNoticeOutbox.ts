// Type-only: a function that never queues a notice does not load the Pub/Sub client at cold start.
import type { PubSub, Topic } from '@google-cloud/pubsub';

import type { Notice } from '../../ports/notifier';
import { type NoticeOutbox, noticeToWire } from '../../ports/noticeOutbox';

/**
 * Queues notices on a Pub/Sub topic; the `notices` function delivers them (functions/notices.ts), and
 * Pub/Sub redelivers until a chat channel has taken each one. `post` resolves once Pub/Sub has
 * accepted the message: from then on no instance needs to stay awake for it (gen2 throttles an
 * instance's CPU once its answer is sent). The topic must exist: infra creates it.
 */
export class PubSubNoticeOutbox implements NoticeOutbox {
  private readonly topic: Topic;

  constructor(pubsub: PubSub, topicName: string) {
    // Sent at once: a post is the last step an answer waits on, so no batching delay (10 ms by default).
    this.topic = pubsub.topic(topicName, { batching: { maxMessages: 1 } });
  }

  async post(notice: Notice): Promise<void> {
    const wire = noticeToWire(notice);
    await this.topic.publishMessage({
      data: Buffer.from(JSON.stringify(wire), 'utf8'),
      attributes: { kind: notice.kind, ...(notice.connectionId && { connectionId: notice.connectionId }) },
    });
  }
}
