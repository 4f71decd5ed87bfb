// Type-only: the trading system brings its own Pub/Sub client; this module never loads it.
import type { Message, PubSub } from '@google-cloud/pubsub';
import { type TokenEvent, parseTokenEvent } from '../ports/eventBus';

export interface TokenEventSubscription {
  close(): Promise<void>;
}

/**
 * Feeds a Pub/Sub subscription on the token-events topic to `client.onTokenEvent`. Each process
 * needs its own subscription (Pub/Sub gives each message to one subscriber of a subscription), best
 * filtered on `attributes.connectionId`. Malformed messages are acked and reported, never redelivered
 * forever; the event carries no token material, so acking early loses nothing the vault does not hold.
 */
export function subscribeToTokenEvents(
  pubsub: PubSub,
  subscriptionName: string,
  client: { onTokenEvent(event: TokenEvent): void },
  options: { readonly onError?: (error: unknown) => void } = {},
): TokenEventSubscription {
  const subscription = pubsub.subscription(subscriptionName);
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing reporter must not take the subscription down.
    }
  };
  const onMessage = (message: Message) => {
    try {
      client.onTokenEvent(parseTokenEvent(JSON.parse(message.data.toString('utf8'))));
    } catch (error) {
      report(error);
    } finally {
      message.ack();
    }
  };
  subscription.on('message', onMessage);
  subscription.on('error', report);
  return {
    close: async () => {
      subscription.off('message', onMessage);
      subscription.off('error', report);
      await subscription.close();
    },
  };
}
