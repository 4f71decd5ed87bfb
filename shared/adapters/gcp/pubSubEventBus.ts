// Type-only: a function that never publishes does not load the Pub/Sub client at cold start.
import type { PubSub, Topic } from '@google-cloud/pubsub';

import { type EventBus, type TokenEvent, parseTokenEvent, toWire } from '../../ports/eventBus';

/** gRPC status ALREADY_EXISTS. */
const ALREADY_EXISTS = 6;

/**
 * Publishes token events to one topic. The topic must exist: infra creates it, and a function that
 * created topics at publish time would need the Pub/Sub editor role and hide a misdeployed topic name.
 */
export class PubSubEventBus implements EventBus {
  // One Topic object for the bus's lifetime: each `pubsub.topic()` call starts its own publisher.
  private readonly topic: Topic;

  constructor(pubsub: PubSub, topicName: string) {
    this.topic = pubsub.topic(topicName);
  }

  async publish(event: TokenEvent): Promise<string> {
    const data = JSON.stringify(toWire(event));
    // Validate what subscribers will parse, so a malformed event fails here, at the publisher's bug.
    const wire = parseTokenEvent(JSON.parse(data));
    return this.topic.publishMessage({
      data: Buffer.from(data, 'utf8'),
      // Attributes let a subscription filter (`attributes.type = "token.renewed"`) without parsing data.
      attributes: { type: wire.type, connectionId: wire.connectionId, generation: String(wire.generation) },
    });
  }
}

/** Creates the topic unless it exists (the local system and tests; in GCP infra owns topics). */
export async function ensureTopic(pubsub: PubSub, name: string): Promise<Topic> {
  try {
    const [created] = await pubsub.createTopic(name);
    return created;
  } catch (err) {
    // Create-and-tolerate rather than check-then-create: no race with a second instance.
    if ((err as { code?: unknown }).code === ALREADY_EXISTS) return pubsub.topic(name);
    throw err;
  }
}
