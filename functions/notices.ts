import { cloudEvent } from '@google-cloud/functions-framework';
import { pubSubFunction } from '../shared/api/register';
import { deliverQueuedNotice } from '../shared/outbox/deliverQueuedNotice';

/**
 * Pub/Sub (the notices topic) → every chat channel: notices other functions queued rather than wait on
 * a chat channel themselves (exchangePin's "token renewed"). Redelivered until a channel takes it.
 */
cloudEvent(
  'notices',
  pubSubFunction('notices', async (ctx, message) => deliverQueuedNotice(ctx, message)),
);
