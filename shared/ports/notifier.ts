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

export interface Notifier {
  /** Resolves once every channel has had its try; a failing channel is reported, not thrown. */
  send(notice: Notice): Promise<void>;
}
