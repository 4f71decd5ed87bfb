import type { Notice, NoticeKind, Notifier } from '../../shared/ports/notifier';

/** A Notifier that keeps every notice it is given, in order, for tests to read back. */
export class RecordingNotifier implements Notifier {
  readonly notices: Notice[] = [];

  async send(notice: Notice): Promise<void> {
    this.notices.push(notice);
  }

  /** The notices of one kind (optionally for one connection), in the order they were sent. */
  ofKind(kind: NoticeKind, connectionId?: string): Notice[] {
    return this.notices.filter(
      (notice) =>
        notice.kind === kind && (connectionId === undefined || notice.connectionId === connectionId),
    );
  }

  clear(): void {
    this.notices.length = 0;
  }
}
