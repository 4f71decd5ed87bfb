import { randomUUID } from 'node:crypto';

import { Firestore } from '@google-cloud/firestore';
import { PubSub, type Message } from '@google-cloud/pubsub';

import { TEST_PROJECT_ID } from '../global/testEnv';

// Proves the real client libraries reach the emulators globalSetup started, using only the environment
// it exported: no endpoint or credential options here, exactly as production code constructs them.
// Names carry a random suffix so other test files can share the same emulators in parallel.
const suffix = randomUUID().slice(0, 8);

describe('emulator environment', () => {
  it('points the client libraries at loopback emulators and the test project', () => {
    expect(process.env.FIRESTORE_EMULATOR_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(process.env.PUBSUB_EMULATOR_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(process.env.GOOGLE_CLOUD_PROJECT).toBe(TEST_PROJECT_ID);
    expect(process.env.METADATA_SERVER_DETECTION).toBe('none');
  });
});

describe('Firestore emulator with the real @google-cloud/firestore client', () => {
  const firestore = new Firestore();
  const collection = firestore.collection(`infra-smoke-${suffix}`);

  afterAll(() => firestore.terminate());

  it('writes and reads back a document', async () => {
    await collection.doc('connection').set({ state: 'active', generation: 1 });

    const snapshot = await collection.doc('connection').get();

    expect(snapshot.exists).toBe(true);
    expect(snapshot.data()).toEqual({ state: 'active', generation: 1 });
  });

  it('runs a read-modify-write transaction', async () => {
    const counter = collection.doc('counter');
    await counter.set({ value: 41 });

    const result = await firestore.runTransaction(async (tx) => {
      const current = (await tx.get(counter)).get('value') as number;
      tx.update(counter, { value: current + 1 });
      return current + 1;
    });

    expect(result).toBe(42);
    expect((await counter.get()).get('value')).toBe(42);
  });
});

describe('Pub/Sub emulator with the real @google-cloud/pubsub client', () => {
  const pubsub = new PubSub();

  afterAll(() => pubsub.close());

  it('delivers a published message to a subscription', async () => {
    const [topic] = await pubsub.createTopic(`infra-smoke-${suffix}`);
    const [subscription] = await topic.createSubscription(`infra-smoke-${suffix}-sub`);
    try {
      const received = new Promise<Message>((resolve, reject) => {
        subscription.once('message', resolve);
        subscription.once('error', reject);
      });

      const messageId = await topic.publishMessage({
        json: { event: 'renewed' },
        attributes: { kind: 'test' },
      });
      const message = await received;
      message.ack();

      expect(message.id).toBe(messageId);
      expect(JSON.parse(message.data.toString('utf8'))).toEqual({ event: 'renewed' });
      expect(message.attributes).toEqual({ kind: 'test' });
    } finally {
      await subscription.close();
      await subscription.delete();
      await topic.delete();
    }
  });
});
