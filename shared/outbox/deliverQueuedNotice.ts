import type { AppContext } from '../app/context';
import { AppError } from '../app/errors';
import { deliveryOf } from '../ports/notifier';
import { parseQueuedNotice } from '../ports/noticeOutbox';
import type { PubSubMessage } from '../triggers/pubsubMessage';

/**
 * The `notices` function's work: one queued notice (shared/ports/noticeOutbox.ts) sent to every chat
 * channel, with a fresh sign-in link. It counts as delivered once any channel took it; when none did,
 * the run fails with ERR_NOTICE_UNDELIVERED and Pub/Sub redelivers it. A message that is not a notice
 * is acknowledged and logged: no redelivery can fix it.
 */
export async function deliverQueuedNotice(
  ctx: Pick<AppContext, 'notifier' | 'log'>,
  message: PubSubMessage,
): Promise<Record<string, string | number | boolean | undefined>> {
  let notice;
  try {
    notice = parseQueuedNotice(message.json);
  } catch (error) {
    // The parser's messages name the field, never the value.
    ctx.log.warn('notice.unreadable', { messageId: message.messageId, reason: (error as Error).message });
    return { delivered: 0, unreadable: true };
  }
  const { delivered, failed } = deliveryOf(await ctx.notifier.send(notice));
  if (delivered === 0) {
    ctx.log.error('notice.undelivered', { kind: notice.kind, connection: notice.connectionId, failed });
    throw new AppError('ERR_NOTICE_UNDELIVERED', 'No chat channel took the notice; it will be tried again');
  }
  return { kind: notice.kind, connection: notice.connectionId, delivered, failed };
}
