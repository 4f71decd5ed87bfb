/**
 * Telling the trader. A notice is structured (what happened, to which connection, what to do, a
 * link); each channel formats it. A notice never carries token material.
 */
export const NOTICE_KINDS = [
  'morning.reminder', // renew before the open
  'morning.escalation', // still not renewed shortly before the open: louder, once
  'renewal.succeeded',
  'renewal.failed',
  'keepalive.warning', // consecutive keep-alive failures reached the threshold
  'keepalive.recovered',
  'token.expired', // E*TRADE called a token dead before its time
  'login.link', // a sign-in link the trader asked for
  'consumerKey.aging', // the consumer key is near its ~2-year lapse; at most weekly per connection
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Notice {
  readonly kind: NoticeKind;
  readonly connectionId?: string;
  /** One line, plain text. */
  readonly title: string;
  /** Plain-text details, one per line; adapters escape them for their channel. */
  readonly lines: readonly string[];
  /** A call to action (e.g. a sign-in link to the page). */
  readonly link?: { readonly text: string; readonly url: string };
}

/** How many channels one notice reached. */
export interface NoticeDelivery {
  readonly delivered: number;
  readonly failed: number;
}

export interface Notifier {
  /**
   * A single channel resolves once it delivered and throws when it did not. Several channels at once
   * (the fan-out) resolve once every channel has had its try, never throw, and report the counts: a
   * caller that must know whether anyone was told reads them with `deliveryOf`.
   */
  send(notice: Notice): Promise<NoticeDelivery | void>;
}

/** What a resolved `send` says: the fan-out's counts, or one channel that delivered. */
export function deliveryOf(outcome: NoticeDelivery | void): NoticeDelivery {
  return outcome ?? { delivered: 1, failed: 0 };
}
