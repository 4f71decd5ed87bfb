import { midnightWords, newYorkClock } from '../alerts/newYorkText';
import { createLoginLink, createRenewLink, loadLoginLinkKey, RENEW_LINK_TTL_MS } from '../auth';
import type { Clock } from '../ports/clock';
import type { Notice, NoticeButton, Notifier, RenewTarget } from '../ports/notifier';
import type { SecretReader } from '../ports/secretReader';
import { nextNewYorkMidnight } from '../time/newYork';

/**
 * From what a notice asks of the trader (its action) to the lines and buttons a channel shows. Two
 * styles, because the channels differ in what the trader can do there:
 *
 * - `chat` (Telegram): a "Log in to E*TRADE (Live)" button starts the PIN flow when tapped and opens
 *   E*TRADE's page; the trader pastes the code back into the chat.
 * - `page` (Slack, the console, anything that cannot take a pasted code): a single-use sign-in link to
 *   the token page, with the renewal of that connection ready (`&renew=<connection>`).
 *
 * Every link works once, until the instant the notice states. A link that cannot be made (the key is
 * unreadable) costs the buttons, never the notice: it then names the page instead.
 */
export type LinkStyle = 'chat' | 'page';

/** Links valid for at most this long; the notice says until when. */
export const ACTION_LINK_TTL_MS = RENEW_LINK_TTL_MS;

export interface ActionLinks {
  readonly style: LinkStyle;
  /** The token page, named when no link could be made. */
  readonly pageUrl: string;
  renew(connectionId: string, until: Date): Promise<string>;
  signIn(until: Date): Promise<string>;
}

/** Until when an action's links work, for a notice built at `now`. */
export function actionUntil(now: Date): Date {
  return new Date(now.getTime() + ACTION_LINK_TTL_MS);
}

type LinkCtx = { readonly secrets: SecretReader; readonly clock: Clock; readonly pageUrl: string };

/** Sign-in links to the page; a renewal's carries `&renew=<connection>`, which the page opens ready. */
export function pageLinks(ctx: LinkCtx): ActionLinks {
  const signIn = async (until: Date, renew?: string) => {
    const now = ctx.clock.now();
    const key = await loadLoginLinkKey(ctx.secrets);
    const { url } = createLoginLink({ key, pageUrl: ctx.pageUrl, now, ttlMs: ttlUntil(until, now) });
    return renew === undefined ? url : `${url}&renew=${encodeURIComponent(renew)}`;
  };
  return {
    style: 'page',
    pageUrl: ctx.pageUrl,
    renew: (connectionId, until) => signIn(until, connectionId),
    signIn: (until) => signIn(until),
  };
}

/** The chat's renew buttons (bound to `chatId`), and sign-in links for `/login`. */
export function chatLinks(ctx: LinkCtx & { readonly chatId: string }): ActionLinks {
  const page = pageLinks(ctx);
  return {
    style: 'chat',
    pageUrl: ctx.pageUrl,
    renew: async (connectionId, until) => {
      const now = ctx.clock.now();
      const key = await loadLoginLinkKey(ctx.secrets);
      return createRenewLink({
        key,
        pageUrl: ctx.pageUrl,
        chatId: ctx.chatId,
        connectionId,
        now,
        ttlMs: ttlUntil(until, now),
      }).url;
    },
    signIn: page.signIn,
  };
}

export interface PresentOptions {
  readonly now: Date;
  /** Targets renewed since the notice was sent (an edit of a sent alert), with when. */
  readonly renewed?: ReadonlyMap<string, Date>;
}

/**
 * The notice as a channel shows it: the action's lines (each target's state, what to do, until when
 * the links work) between the notice's lines and its footer, and one button per link. An action
 * whose `until` is past or too far (a stored alert shown again) gets fresh links for 30 minutes.
 */
export async function presentNotice(
  notice: Notice,
  links: ActionLinks,
  options: PresentOptions,
): Promise<Notice> {
  const { action } = notice;
  const footer = notice.footer ?? [];
  const plain = { ...notice, action: undefined, footer: undefined };
  if (!action) return { ...plain, lines: [...notice.lines, ...footer] };
  const until = linkUntil(action.until, options.now);
  const clock = newYorkClock(until);

  if (action.kind === 'signIn') {
    const url = await attempt(() => links.signIn(until));
    if (url === undefined) return { ...plain, lines: [...notice.lines, pageFallback(links), ...footer] };
    const button = { text: 'Open the token page', url };
    return {
      ...plain,
      lines: [...notice.lines, `This link works once, until ${clock} ET.`, ...footer],
      buttons: [button],
      link: button,
    };
  }

  const renewed = options.renewed ?? new Map<string, Date>();
  const open = action.targets.filter((target) => !renewed.has(target.connectionId));
  const targetLines = action.targets.flatMap((target) => {
    const at = renewed.get(target.connectionId);
    if (at) return [renewedLine(target, at, options.now)];
    return target.state === undefined ? [] : [`${target.label}: ${target.state}`];
  });
  if (open.length === 0) {
    // Everything this alert asked for is done: it says so, and carries no button.
    return {
      ...plain,
      kind: 'renewal.succeeded',
      title: 'Nothing to do: renewed',
      lines: [...targetLines, `(This alert said: ${notice.title}.)`],
    };
  }
  const urls = await attempt(() =>
    Promise.all(open.map((target) => links.renew(target.connectionId, until))),
  );
  if (urls === undefined) {
    return { ...plain, lines: [...notice.lines, ...targetLines, pageFallback(links), ...footer] };
  }
  const buttons: NoticeButton[] = open.map((target, i) => ({
    text: buttonText(links.style, target),
    url: urls[i],
  }));
  return {
    ...plain,
    lines: [...notice.lines, ...targetLines, ...howTo(links.style, open.length, clock), ...footer],
    buttons,
    link: buttons[0],
  };
}

/** A channel that shows every notice through `presentNotice` with its own links. */
export function withActionLinks(inner: Notifier, links: ActionLinks, clock: Clock): Notifier {
  return { send: async (notice) => inner.send(await presentNotice(notice, links, { now: clock.now() })) };
}

export function buttonText(style: LinkStyle, target: RenewTarget): string {
  return style === 'chat' ? `Log in to E*TRADE (${target.label})` : `Renew ${target.label}`;
}

function howTo(style: LinkStyle, count: number, clock: string): string[] {
  if (style === 'chat') {
    return count === 1
      ? [
          'Tap the button, log in to E*TRADE, then paste the 5-character code here.',
          `The button works once, until ${clock} ET; /renew gives a new one.`,
        ]
      : [
          'Tap a button, log in to E*TRADE, then paste the 5-character code here.',
          `Each button works once, until ${clock} ET; /renew gives new ones.`,
        ];
  }
  return count === 1
    ? [
        'Open the link, log in to E*TRADE, then enter the 5-character code on the token page.',
        `The link works once, until ${clock} ET.`,
      ]
    : [
        'Open a link, log in to E*TRADE, then enter the 5-character code on the token page.',
        `Each link works once, until ${clock} ET.`,
      ];
}

/** A token renewed at `at` ends at the next New York midnight. */
function renewedLine(target: RenewTarget, at: Date, now: Date): string {
  const end = midnightWords(nextNewYorkMidnight(at), now);
  return `✅ ${target.label}: renewed at ${newYorkClock(at)} ET, valid until ${end}.`;
}

function pageFallback(links: ActionLinks): string {
  return `No link could be made just now: renew on the token page, ${links.pageUrl}`;
}

/** The action's `until`, unless it is past (or nearly) or beyond a link's lifetime: then 30 min from now. */
function linkUntil(until: Date, now: Date): Date {
  const left = until.getTime() - now.getTime();
  return left >= 60_000 && left <= ACTION_LINK_TTL_MS ? until : actionUntil(now);
}

/** Whole milliseconds from now to `until`, within a link's allowed lifetime. */
function ttlUntil(until: Date, now: Date): number {
  return Math.min(ACTION_LINK_TTL_MS, Math.max(1000, Math.floor(until.getTime() - now.getTime())));
}

async function attempt<T>(make: () => Promise<T>): Promise<T | undefined> {
  try {
    return await make();
  } catch {
    return undefined;
  }
}
