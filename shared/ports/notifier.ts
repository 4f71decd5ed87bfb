/**
 * Telling the trader. A notice is structured (what happened, to which connection, what to do); each
 * channel formats it and makes the links its action needs. A notice never carries token material.
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
  // Answers in the Telegram chat to what the trader sent there (never fanned out):
  'chat.status', // /status
  'chat.renew', // /renew [connection]: a button per connection to log in again
  'chat.help', // /help, an unknown command
  'chat.loginLimited', // /login again within the minute
  'code.accepted', // a pasted code renewed one connection while another still waits (or was not deleted)
  'code.rejected', // E*TRADE did not accept a pasted code: tries left, or a new button
  'code.expired', // a code after the 5-minute window: a new button
  'code.unmatched', // /pin without a login waiting, or not a code
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** A connection the trader must log in to again: one button each. */
export interface RenewTarget {
  readonly connectionId: string;
  readonly label: string;
  /** Its state in a few words ("expired at midnight ET."), on a line of its own; absent: no line. */
  readonly state?: string;
}

/**
 * What the trader must do, when there is something: renew these connections, or open the token page
 * signed in. A notice with nothing to do carries no action, and so no link. Each channel turns the
 * action into links of its own (notify/noticeActions.ts), each working once until `until`, which the
 * notice states.
 */
export type NoticeAction =
  | { readonly kind: 'renew'; readonly targets: readonly RenewTarget[]; readonly until: Date }
  | { readonly kind: 'signIn'; readonly until: Date };

export interface NoticeButton {
  readonly text: string;
  readonly url: string;
}

export interface Notice {
  readonly kind: NoticeKind;
  readonly connectionId?: string;
  /** One line, plain text. */
  readonly title: string;
  /** Plain-text details, one per line; adapters escape them for their channel. */
  readonly lines: readonly string[];
  readonly action?: NoticeAction;
  /** Plain-text lines after the action's (e.g. a code for support). */
  readonly footer?: readonly string[];
  /**
   * The action as links, in order: set by a channel's link step (noticeActions.ts), which also moves
   * the action's own lines into `lines`. A use case never sets it.
   */
  readonly buttons?: readonly NoticeButton[];
  /** The first of `buttons`, for callers that show one link. */
  readonly link?: NoticeButton;
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
