import { NOTICE_KINDS, type Notice, type NoticeAction, type NoticeKind, type RenewTarget } from './notifier';

/**
 * Notices handed over for someone else to deliver, so the one who posts never waits on a chat channel:
 * `post` resolves once the notice is safely queued (Pub/Sub in the cloud, where the `notices` function
 * delivers it and Pub/Sub retries until a channel takes it), or, with no queue configured, once it
 * has been sent in-line. A queued notice carries its action (what the trader must do), never a link:
 * the deliverer's channels make their own links, so no sign-in or renew token ever sits in a queue.
 */
export interface NoticeOutbox {
  post(notice: Notice): Promise<void>;
}

const TITLE_MAX = 200;
const LINES_MAX = 20;
const LINE_MAX = 1_000;
const TARGETS_MAX = 20;
const ID_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;

/** The queued form of a notice: its known fields only (the action with its instants as ISO text), never a link. */
export function noticeToWire(notice: Notice): Record<string, unknown> {
  const wire = {
    kind: notice.kind,
    ...(notice.connectionId !== undefined && { connectionId: notice.connectionId }),
    title: notice.title,
    lines: [...notice.lines],
    ...(notice.footer !== undefined && { footer: [...notice.footer] }),
    ...(notice.action !== undefined && { action: actionToWire(notice.action) }),
  };
  parseQueuedNotice(wire);
  return wire;
}

function actionToWire(action: NoticeAction): Record<string, unknown> {
  const until = action.until.toISOString();
  if (action.kind === 'signIn') return { kind: 'signIn', until };
  return {
    kind: 'renew',
    until,
    targets: action.targets.map((t) => ({
      connectionId: t.connectionId,
      label: t.label,
      ...(t.state !== undefined && { state: t.state }),
    })),
  };
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
  const lines = textLines(raw.lines, 'notice.lines');
  const footer = raw.footer === undefined ? undefined : textLines(raw.footer, 'notice.footer');
  const action = raw.action === undefined ? undefined : parseAction(raw.action);
  return {
    kind: raw.kind as NoticeKind,
    ...(raw.connectionId !== undefined && { connectionId: raw.connectionId as string }),
    title: raw.title,
    lines,
    ...(footer !== undefined && { footer }),
    ...(action !== undefined && { action }),
  };
}

function textLines(value: unknown, name: string): string[] {
  if (
    !Array.isArray(value) ||
    value.length > LINES_MAX ||
    !value.every((line) => typeof line === 'string' && line.length <= LINE_MAX)
  ) {
    throw new TypeError(`${name} must be at most ${LINES_MAX} strings of at most ${LINE_MAX} characters`);
  }
  return [...(value as string[])];
}

function parseAction(value: unknown): NoticeAction {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('notice.action must be a JSON object');
  }
  const raw = value as Record<string, unknown>;
  const until = typeof raw.until === 'string' ? new Date(raw.until) : undefined;
  if (!until || Number.isNaN(until.getTime()))
    throw new TypeError('notice.action.until must be an ISO instant');
  if (raw.kind === 'signIn') return { kind: 'signIn', until };
  if (raw.kind !== 'renew') throw new TypeError('notice.action.kind must be renew or signIn');
  if (!Array.isArray(raw.targets) || raw.targets.length === 0 || raw.targets.length > TARGETS_MAX) {
    throw new TypeError(`notice.action.targets must hold 1 to ${TARGETS_MAX} connections`);
  }
  const targets = raw.targets.map((target): RenewTarget => {
    const t = (typeof target === 'object' && target !== null ? target : {}) as Record<string, unknown>;
    if (typeof t.connectionId !== 'string' || !ID_PATTERN.test(t.connectionId)) {
      throw new TypeError('notice.action.targets[].connectionId must be a connection id');
    }
    if (typeof t.label !== 'string' || t.label === '' || t.label.length > TITLE_MAX) {
      throw new TypeError(`notice.action.targets[].label must be a string of 1 to ${TITLE_MAX} characters`);
    }
    if (t.state !== undefined && (typeof t.state !== 'string' || t.state.length > LINE_MAX)) {
      throw new TypeError(`notice.action.targets[].state must be a string of at most ${LINE_MAX} characters`);
    }
    return {
      connectionId: t.connectionId,
      label: t.label,
      ...(typeof t.state === 'string' && { state: t.state }),
    };
  });
  return { kind: 'renew', targets, until };
}
