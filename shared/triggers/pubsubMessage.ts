/**
 * What a Pub/Sub-triggered function receives (CloudEvent `google.cloud.pubsub.topic.v1.messagePublished`):
 * `{ message: { data: base64, messageId, attributes }, subscription }`. Scheduler payloads are
 * untrusted input like any other: anything unreadable becomes an empty object, never a crash.
 */
export interface PubSubMessage {
  readonly messageId?: string;
  readonly json: Readonly<Record<string, unknown>>;
}

export function readPubSubMessage(eventData: unknown): PubSubMessage {
  const message = isObject(eventData) && isObject(eventData.message) ? eventData.message : {};
  const messageId = typeof message.messageId === 'string' ? message.messageId : undefined;
  if (typeof message.data !== 'string' || message.data.length > 64 * 1024) return { messageId, json: {} };
  try {
    const parsed: unknown = JSON.parse(Buffer.from(message.data, 'base64').toString('utf8'));
    return { messageId, json: isObject(parsed) ? parsed : {} };
  } catch {
    return { messageId, json: {} };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
