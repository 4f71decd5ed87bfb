import {
  type EventBus,
  TOKEN_EVENT_TYPES,
  type TokenEvent,
  parseTokenEvent,
  toWire,
} from '../../shared/ports/eventBus';

/** One message as a subscriber saw it. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly event: TokenEvent;
  /** What the transport carried, for adapters that have a transport (Pub/Sub data and attributes). */
  readonly raw?: { readonly data: string; readonly attributes: Readonly<Record<string, string>> };
}

export interface EventBusHarness {
  readonly bus: EventBus;
  /**
   * The next `count` messages delivered to a subscriber that existed before the publish, in arrival
   * order; rejects naming the shortfall if they have not all arrived within the harness's bound.
   */
  received(count: number): Promise<ReceivedMessage[]>;
  cleanup(): Promise<void>;
}

const AT = '2026-03-02T15:04:05.000Z';

function event(type: TokenEvent['type'], extra: Partial<TokenEvent> = {}): TokenEvent {
  return { type, connectionId: 'prod', generation: 7, at: AT, ...extra };
}

/** What a subscriber must get for `published`: its wire form, parsed — nothing more, nothing less. */
function expected(published: TokenEvent): TokenEvent {
  return parseTokenEvent(JSON.parse(JSON.stringify(toWire(published))));
}

/**
 * The behaviour every EventBus adapter must share, run unchanged against each. `make` is called once
 * per suite; each test consumes exactly the messages it publishes.
 */
export function eventBusContract(name: string, make: () => Promise<EventBusHarness>): void {
  describe(`EventBus contract: ${name}`, () => {
    let harness: EventBusHarness;

    beforeAll(async () => {
      harness = await make();
    });
    afterAll(() => harness?.cleanup());

    it('delivers every event type as its validated wire form, under the id publish returned', async () => {
      const events = TOKEN_EVENT_TYPES.map((type, i) =>
        event(type, {
          connectionId: `conn-${i}`,
          generation: i,
          ...(type === 'token.renewed' ? { secretVersion: '12', expiresAt: '2026-03-03T05:00:00.000Z' } : {}),
        }),
      );

      const ids = await Promise.all(events.map((e) => harness.bus.publish(e)));
      const messages = await harness.received(events.length);

      // Pub/Sub does not promise order: pair each delivery with its publish by message id.
      const byId = new Map(ids.map((id, i) => [id, events[i]]));
      expect(messages.map((m) => m.messageId).sort()).toEqual([...ids].sort());
      for (const message of messages) {
        expect(message.event).toEqual(expected(byId.get(message.messageId) as TokenEvent));
      }
    });

    it('never delivers properties smuggled onto an event', async () => {
      const smuggled = {
        ...event('token.renewed', { secretVersion: '3' }),
        token: 'CANARY-TOKEN',
        secret: 'CANARY-SECRET',
        oauth_token_secret: 'CANARY-OAUTH-SECRET',
      } as TokenEvent;

      await harness.bus.publish(smuggled);
      const [message] = await harness.received(1);

      expect(message.event).toEqual(expected(smuggled));
      expect(Object.keys(message.event)).not.toEqual(expect.arrayContaining(['token']));
      expect(JSON.stringify(message.event)).not.toContain('CANARY');
      if (message.raw) expect(JSON.stringify(message.raw)).not.toContain('CANARY');
    });

    it('returns non-empty, distinct message ids, also for concurrent publishes', async () => {
      const events = Array.from({ length: 12 }, (_, i) => event('keepalive.failed', { generation: i }));

      const sequential = [];
      for (const e of events.slice(0, 4)) sequential.push(await harness.bus.publish(e));
      const concurrent = await Promise.all(events.slice(4).map((e) => harness.bus.publish(e)));
      const ids = [...sequential, ...concurrent];
      const messages = await harness.received(events.length);

      for (const id of ids) expect(id).toMatch(/\S/);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(messages.map((m) => m.messageId))).toEqual(new Set(ids));
    });

    it('rejects a malformed event at publish, naming the field, and delivers nothing for it', async () => {
      const malformed = event('token.expired', { generation: -1 });

      await expect(harness.bus.publish(malformed)).rejects.toThrow(
        expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('event.generation') }),
      );

      // The next message to arrive is the valid one published after it.
      const valid = event('token.revoked');
      const id = await harness.bus.publish(valid);
      const [message] = await harness.received(1);
      expect(message).toMatchObject({ messageId: id, event: expected(valid) });
    });
  });
}

/**
 * A queue of received messages for harnesses: `take(n)` waits, up to a bound, for the next n. The
 * bound is a deadline, not a sleep: it resolves as soon as the messages are there.
 */
export class Inbox {
  private readonly messages: ReceivedMessage[] = [];
  private failure?: { error: unknown };
  private waiter?: () => void;

  constructor(private readonly boundMs: number) {}

  push(message: ReceivedMessage): void {
    this.messages.push(message);
    this.waiter?.();
  }

  /** Records a subscriber-side failure (listener error, unparsable data): the pending and later takes reject. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.waiter?.();
  }

  take(count: number): Promise<ReceivedMessage[]> {
    if (this.waiter) return Promise.reject(new Error('Inbox.take is already waiting'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new Error(`expected ${count} message(s) within ${this.boundMs} ms, got ${this.messages.length}`),
        );
      }, this.boundMs);
      const check = (): boolean => {
        if (!this.failure && this.messages.length < count) return false;
        clearTimeout(timer);
        this.waiter = undefined;
        if (this.failure) reject(this.failure.error);
        else resolve(this.messages.splice(0, count));
        return true;
      };
      if (!check()) this.waiter = check;
    });
  }
}
