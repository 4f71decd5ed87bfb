import { randomUUID } from 'node:crypto';

import { type Message, PubSub } from '@google-cloud/pubsub';

import { PubSubEventBus, ensureTopic } from '../../shared/adapters/gcp/pubSubEventBus';
import { InProcessEventBus } from '../../shared/adapters/local/inProcessEventBus';
import { type TokenEvent, parseTokenEvent } from '../../shared/ports/eventBus';
import { type EventBusHarness, Inbox, eventBusContract } from '../contracts/eventBus.contract';

// Every name carries a random suffix so other test files can share the emulator in parallel.
const suffix = randomUUID().slice(0, 8);
let harnesses = 0;

const AT = '2026-03-02T15:04:05.000Z';
const renewed: TokenEvent = {
  type: 'token.renewed',
  connectionId: 'ira-2',
  generation: 4,
  secretVersion: '9',
  at: AT,
};

function inProcessHarness(bus = new InProcessEventBus()): EventBusHarness & { bus: InProcessEventBus } {
  const inbox = new Inbox(1_000);
  const unsubscribe = bus.subscribe((event, messageId) => inbox.push({ messageId, event }));
  return { bus, received: (count) => inbox.take(count), cleanup: async () => unsubscribe() };
}

/** A unique topic with one subscription on the real emulator; every delivery is acked and queued. */
async function pubSubHarness(): Promise<EventBusHarness & { pubsub: PubSub; topicName: string }> {
  const pubsub = new PubSub();
  const topicName = `token-events-${suffix}-${++harnesses}`;
  const topic = await ensureTopic(pubsub, topicName);
  const [subscription] = await topic.createSubscription(`${topicName}-sub`);
  const inbox = new Inbox(10_000);
  // Pub/Sub delivers at least once: a redelivery of an id already seen is not a second message.
  const seen = new Set<string>();
  subscription.on('message', (message: Message) => {
    message.ack();
    if (seen.has(message.id)) return;
    seen.add(message.id);
    const data = message.data.toString('utf8');
    let event: TokenEvent;
    try {
      event = parseTokenEvent(JSON.parse(data));
    } catch (err) {
      inbox.fail(err);
      return;
    }
    inbox.push({ messageId: message.id, event, raw: { data, attributes: { ...message.attributes } } });
  });
  subscription.on('error', (err) => inbox.fail(err));
  return {
    pubsub,
    topicName,
    bus: new PubSubEventBus(pubsub, topicName),
    received: (count) => inbox.take(count),
    cleanup: async () => {
      await subscription.close();
      await subscription.delete();
      await topic.delete();
      await pubsub.close();
    },
  };
}

eventBusContract('InProcessEventBus', async () => inProcessHarness());
eventBusContract('PubSubEventBus on the Pub/Sub emulator', pubSubHarness);

describe('PubSubEventBus', () => {
  let harness: Awaited<ReturnType<typeof pubSubHarness>>;

  beforeAll(async () => {
    harness = await pubSubHarness();
  });
  afterAll(() => harness?.cleanup());

  it('publishes the wire form as JSON data, with type, connection and generation as string attributes', async () => {
    const id = await harness.bus.publish(renewed);
    const [message] = await harness.received(1);

    expect(message.messageId).toBe(id);
    expect(JSON.parse(message.raw?.data ?? 'null')).toEqual({
      type: 'token.renewed',
      connectionId: 'ira-2',
      generation: 4,
      secretVersion: '9',
      at: AT,
    });
    expect(message.raw?.attributes).toEqual({
      type: 'token.renewed',
      connectionId: 'ira-2',
      generation: '4',
    });
  });

  it('does not create a missing topic at publish time: the publish fails and the topic stays absent', async () => {
    const missing = `missing-${suffix}`;
    const bus = new PubSubEventBus(harness.pubsub, missing);

    await expect(bus.publish(renewed)).rejects.toMatchObject({ code: 5 }); // gRPC NOT_FOUND
    const [exists] = await harness.pubsub.topic(missing).exists();
    expect(exists).toBe(false);
  });

  it('ensureTopic creates a topic once and tolerates it existing', async () => {
    const name = `ensure-${suffix}`;
    try {
      const first = await ensureTopic(harness.pubsub, name);
      const second = await ensureTopic(harness.pubsub, name);

      expect(first.name).toBe(second.name);
      expect((await harness.pubsub.topic(name).exists())[0]).toBe(true);
    } finally {
      await harness.pubsub.topic(name).delete();
    }
  });

  it('loads no Pub/Sub client when its module is imported (the PubSub type is import-only)', async () => {
    jest.doMock('@google-cloud/pubsub', () => {
      throw new Error('@google-cloud/pubsub was loaded');
    });
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../shared/adapters/gcp/pubSubEventBus')).resolves.toHaveProperty(
          'PubSubEventBus',
        );
      });
    } finally {
      jest.dontMock('@google-cloud/pubsub');
    }
  });
});

describe('InProcessEventBus', () => {
  it('resolves publish before any handler runs, like a real bus', async () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    bus.subscribe(() => void seen.push('handled'));

    await bus.publish(renewed);
    seen.push('published');
    await bus.settled();

    expect(seen).toEqual(['published', 'handled']);
  });

  it('numbers messages with increasing ids', async () => {
    const bus = new InProcessEventBus();
    const ids = [await bus.publish(renewed), await bus.publish(renewed), await bus.publish(renewed)];

    expect(ids.map(Number)).toEqual([1, 2, 3]);
  });

  it('keeps delivering to other handlers when one throws or rejects, and reports each failure', async () => {
    const failures: [unknown, TokenEvent, string][] = [];
    const bus = new InProcessEventBus({ onHandlerError: (...failure) => failures.push(failure) });
    const delivered: string[] = [];
    const boom = new Error('handler bug');
    bus.subscribe(() => {
      throw boom;
    });
    bus.subscribe(async () => {
      throw boom;
    });
    bus.subscribe((event) => void delivered.push(event.connectionId));

    const id = await bus.publish(renewed);
    await bus.settled();

    expect(delivered).toEqual(['ira-2']);
    expect(failures).toEqual([
      [boom, expect.objectContaining({ connectionId: 'ira-2' }), id],
      [boom, expect.objectContaining({ connectionId: 'ira-2' }), id],
    ]);
  });

  it('survives an error reporter that throws itself', async () => {
    const bus = new InProcessEventBus({
      onHandlerError: () => {
        throw new Error('reporter bug');
      },
    });
    const { received } = inProcessHarness(bus);
    bus.subscribe(() => {
      throw new Error('handler bug');
    });

    await bus.publish(renewed);

    expect(await received(1)).toHaveLength(1);
    await expect(bus.settled()).resolves.toBeUndefined();
  });

  it('stops delivering after unsubscribe, even for an event published just before', async () => {
    const bus = new InProcessEventBus();
    const delivered: TokenEvent[] = [];
    const unsubscribe = bus.subscribe((event) => void delivered.push(event));

    await bus.publish(renewed);
    unsubscribe();
    unsubscribe(); // idempotent
    await bus.publish(renewed);
    await bus.settled();

    expect(delivered).toEqual([]);
  });

  it('gives every handler its own copy, so one mutating its event cannot affect another', async () => {
    const bus = new InProcessEventBus();
    const copies: TokenEvent[] = [];
    bus.subscribe((event) => {
      (event as { generation: number }).generation = 99;
      copies.push(event);
    });
    bus.subscribe((event) => void copies.push(event));

    await bus.publish(renewed);
    await bus.settled();

    expect(copies.map((e) => e.generation)).toEqual([99, 4]);
    expect(renewed.generation).toBe(4);
  });

  it('settled() also waits for events that handlers publish in turn', async () => {
    const bus = new InProcessEventBus();
    const types: string[] = [];
    bus.subscribe(async (event) => {
      types.push(event.type);
      if (event.type === 'keepalive.failed') await bus.publish({ ...event, type: 'keepalive.recovered' });
    });

    await bus.publish({ type: 'keepalive.failed', connectionId: 'prod', generation: 1, at: AT });
    await bus.settled();

    expect(types).toEqual(['keepalive.failed', 'keepalive.recovered']);
  });
});
