import { type EventBus, type TokenEvent, parseTokenEvent, toWire } from '../../ports/eventBus';

export type TokenEventHandler = (event: TokenEvent, messageId: string) => void | Promise<void>;

export interface InProcessEventBusOptions {
  /** Told about every handler that threw or rejected; the event still reaches the other handlers. */
  onHandlerError?: (error: unknown, event: TokenEvent, messageId: string) => void;
}

/**
 * The local system's bus. Events take the same road as on Pub/Sub — wire form, JSON text, parse on
 * receipt — so a field that would not survive GCP does not survive here either. Delivery is
 * asynchronous like Pub/Sub's: `publish` resolves before any handler runs, so a publisher cannot come
 * to rely on its subscribers having finished. `settled()` waits for them where a test needs to.
 */
export class InProcessEventBus implements EventBus {
  // A wrapper per subscription, so one handler subscribed twice is two subscriptions.
  private readonly subscriptions = new Set<{ handler: TokenEventHandler }>();
  private readonly inFlight = new Set<Promise<void>>();
  private lastId = 0;

  constructor(private readonly options: InProcessEventBusOptions = {}) {}

  async publish(event: TokenEvent): Promise<string> {
    const data = JSON.stringify(toWire(event));
    // Validate before accepting, as a subscriber would: a malformed event is the publisher's bug.
    parseTokenEvent(JSON.parse(data));
    const messageId = String(++this.lastId);
    const recipients = [...this.subscriptions];
    // setImmediate, not a microtask: the publisher's `await` completes before any handler starts.
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => Promise.all(recipients.map((subscription) => this.deliver(subscription, data, messageId))))
      .then(() => undefined);
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
    return messageId;
  }

  /** Registers a handler for events published from now on; returns its unsubscribe function. */
  subscribe(handler: TokenEventHandler): () => void {
    const subscription = { handler };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  /** Resolves once every delivery started so far (and any they started in turn) has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async deliver(
    subscription: { handler: TokenEventHandler },
    data: string,
    id: string,
  ): Promise<void> {
    // Unsubscribed between publish and delivery: Pub/Sub would not deliver to a deleted subscription.
    if (!this.subscriptions.has(subscription)) return;
    // Each handler gets its own parsed copy, so one handler mutating its event cannot affect another.
    // publish already parsed the same text, so this cannot throw.
    const event = parseTokenEvent(JSON.parse(data));
    try {
      await subscription.handler(event, id);
    } catch (error) {
      this.reportHandlerError(error, event, id);
    }
  }

  private reportHandlerError(error: unknown, event: TokenEvent, id: string): void {
    try {
      this.options.onHandlerError?.(error, event, id);
    } catch {
      // A failing error reporter must not turn into an unhandled rejection that kills the process.
    }
  }
}
