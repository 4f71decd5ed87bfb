import { NOTICE_KINDS, type Notice, type NoticeKind } from './notifier';

/**
 * Notices handed over for someone else to deliver, so the one who posts never waits on a chat channel:
 * `post` resolves once the notice is safely queued (Pub/Sub in the cloud, where the `notices` function
 * delivers it and Pub/Sub retries until a channel takes it), or, with no queue configured, once it
 * has been sent in-line. A queued notice carries no link: the deliverer adds a fresh sign-in link, so
 * no sign-in token ever sits in a queue.
 */
export interface NoticeOutbox {
  post(notice: Notice): Promise<void>;
}

const TITLE_MAX = 200;
const LINES_MAX = 20;
const LINE_MAX = 1_000;

/** The queued form of a notice: its known fields only, never a link. */
export function noticeToWire(notice: Notice): Record<string, unknown> {
  return parseQueuedNotice({
    kind: notice.kind,
    ...(notice.connectionId !== undefined && { connectionId: notice.connectionId }),
    title: notice.title,
    lines: [...notice.lines],
  }) as unknown as Record<string, unknown>;
}

/** Parses and validates a queued notice (Pub/Sub data is untrusted JSON). Throws naming the field. */
export function parseQueuedNotice(data: unknown): Notice {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError('notice must be a JSON object');
  }
  const raw = data as Record<string, unknown>;
  if (!(NOTICE_KINDS as readonly unknown[]).includes(raw.kind)) {
    throw new TypeError(`notice.kind must be one of ${NOTICE_KINDS.join(', ')}`);
  }
  if (raw.connectionId !== undefined && (typeof raw.connectionId !== 'string' || raw.connectionId === '')) {
    throw new TypeError('notice.connectionId must be a non-empty string');
  }
  if (typeof raw.title !== 'string' || raw.title === '' || raw.title.length > TITLE_MAX) {
    throw new TypeError(`notice.title must be a string of 1 to ${TITLE_MAX} characters`);
  }
  if (
    !Array.isArray(raw.lines) ||
    raw.lines.length > LINES_MAX ||
    !raw.lines.every((line) => typeof line === 'string' && line.length <= LINE_MAX)
  ) {
    throw new TypeError(
      `notice.lines must be at most ${LINES_MAX} strings of at most ${LINE_MAX} characters`,
    );
  }
  return {
    kind: raw.kind as NoticeKind,
    ...(raw.connectionId !== undefined && { connectionId: raw.connectionId as string }),
    title: raw.title,
    lines: [...(raw.lines as string[])],
  };
}
