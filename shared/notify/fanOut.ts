import type { Logger } from '../log';
import type { Notice, NoticeDelivery, Notifier } from '../ports/notifier';
import { ChannelError, isChannelError } from './errors';

export interface Channel {
  /** Names the channel in logs and counts: `telegram`, `slack`, `console`. */
  readonly name: string;
  readonly notifier: Notifier;
}

export interface ChannelCounts {
  readonly sent: number;
  readonly failed: number;
  readonly lastErrorCode?: string;
}

export interface FanOutNotifier extends Notifier {
  /** Never rejects; how many channels the notice reached (0 of 0 with no channels). */
  send(notice: Notice): Promise<NoticeDelivery>;
  /** Per channel, since this instance started: deliveries and failures, for status and tests. */
  counts(): Readonly<Record<string, ChannelCounts>>;
}

export interface FanOutOptions {
  /**
   * A backstop for a channel that never settles: after this long it is counted as failed (its own
   * timeout should have fired first) and the others are not kept waiting. Default 20 s.
   */
  readonly settleTimeoutMs?: number;
}

const DEFAULT_SETTLE_TIMEOUT_MS = 20_000;

/**
 * Sends each notice to every channel at once. One failing or slow channel never stops the others;
 * each failure is logged as `notify.channel_failed` with the channel and a code only (never the
 * text, a link or a credential) and counted. `send` resolves once every channel has had its try,
 * and never rejects: an alert that reached one channel has done its job. It resolves with the
 * counts, so a caller that must not lose its notice (the morning reminder) can tell "nobody".
 */
export function fanOutNotifier(
  channels: readonly Channel[],
  log: Logger,
  options: FanOutOptions = {},
): FanOutNotifier {
  const settleTimeoutMs = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
  const counts = new Map<string, ChannelCounts>(channels.map(({ name }) => [name, { sent: 0, failed: 0 }]));

  const deliver = async ({ name, notifier }: Channel, notice: Notice): Promise<boolean> => {
    const current = () => counts.get(name) ?? { sent: 0, failed: 0 };
    try {
      await settleWithin(notifier.send(notice), settleTimeoutMs, name);
      counts.set(name, { ...current(), sent: current().sent + 1 });
      return true;
    } catch (error) {
      const code = errorCode(error);
      counts.set(name, { ...current(), failed: current().failed + 1, lastErrorCode: code });
      log.warn('notify.channel_failed', {
        channel: name,
        kind: notice.kind,
        connection: notice.connectionId,
        code,
        status: isChannelError(error) ? error.details.status : undefined,
        reason: isChannelError(error) ? error.details.reason : undefined,
      });
      return false;
    }
  };

  return {
    async send(notice) {
      const results = await Promise.all(channels.map((channel) => deliver(channel, notice)));
      const delivered = results.filter(Boolean).length;
      const failed = results.length - delivered;
      log.info('notify.sent', { kind: notice.kind, connection: notice.connectionId, delivered, failed });
      return { delivered, failed };
    },
    counts: () => Object.fromEntries(counts),
  };
}

/** A stable code for the log: the ChannelError's, else a generic one (the message may quote secrets). */
function errorCode(error: unknown): string {
  if (isChannelError(error)) return error.code;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^ERR_[A-Z0-9_]{1,40}$/.test(code) ? code : 'ERR_CHANNEL_INTERNAL';
}

function settleWithin<T>(sending: Promise<T>, ms: number, channel: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChannelError('ERR_CHANNEL_TIMEOUT', channel)), ms);
    timer.unref();
  });
  return Promise.race([sending, late]).finally(() => clearTimeout(timer));
}
