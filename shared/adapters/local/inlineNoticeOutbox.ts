import type { Notice, Notifier } from '../../ports/notifier';
import { type NoticeOutbox, noticeToWire, parseQueuedNotice } from '../../ports/noticeOutbox';

/**
 * No queue: the notice is sent in-line, and `post` resolves once every channel has had its try (the
 * local system, and any composition without NOTICES_TOPIC). A single channel that fails rejects, as
 * the notifier does. The notice goes out in the form a queue would carry (its action, no link of its
 * own): the channels make their links, as the `notices` function's do.
 */
export class InlineNoticeOutbox implements NoticeOutbox {
  constructor(private readonly notifier: Notifier) {}

  async post(notice: Notice): Promise<void> {
    await this.notifier.send(parseQueuedNotice(noticeToWire(notice)));
  }
}
