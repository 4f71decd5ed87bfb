import { randomUUID } from 'node:crypto';

import { AppError } from '../app/errors';
import { deliveryOf, type Notice, type NoticeDelivery } from '../ports/notifier';
import {
  type ConnectionToken,
  connectionTokens,
  isLiveConnection,
  needsMorningLogin,
} from './connectionTokens';
import { MORNING_MARKER_TTL_MS, type MorningAlertOptions, type MorningCtx } from './tradingMorning';

/**
 * The once-per-day marker of the morning notices under Pub/Sub's at-least-once delivery: the first
 * delivery claims it and sends; the others see it taken. "Sent" means a channel took the notice: a
 * delivery that told nobody gives its claim back (only its own: the claim carries a random holder,
 * released by compare-and-delete) and fails, so the next delivery can try again.
 */

/** One delivery's hold on the day's marker: only this delivery can give it back. */
interface MarkerClaim {
  readonly key: string;
  readonly holder: string;
}

/**
 * What both morning stages do once their window is open: nothing if every live (prod-environment)
 * connection was renewed today; else the day's claim under `marker` and one notice listing every
 * connection to renew, told once or the claim given back (tellOrRelease). A forced (manual) run
 * sends even when the day's notice already went out, and takes the marker if it is still free.
 */
export async function remindUnlessRenewed(
  ctx: MorningCtx,
  options: MorningAlertOptions,
  at: { readonly now: Date; readonly nyDate: string },
  marker: string,
  notice: (tokens: readonly ConnectionToken[]) => Notice,
): Promise<'sent' | 'already-renewed' | 'already-sent'> {
  const tokens = await connectionTokens(ctx, at.now);
  // The live logins decide whether the morning waits: a sandbox alone is never worth a reminder.
  const live = tokens.filter(isLiveConnection);
  if (!tokens.some(needsMorningLogin) || (live.length > 0 && live.every((token) => token.renewedToday))) {
    return 'already-renewed';
  }
  const claim = await claimOnce(ctx, `${marker}:${at.nyDate}`, at.now);
  if (!claim && !options.force) return 'already-sent';
  await tellOrRelease(ctx, claim, notice(tokens));
  return 'sent';
}

/** The claim for the first delivery that asks; every later one (same key) gets undefined. */
async function claimOnce(
  ctx: Pick<MorningCtx, 'ledger'>,
  key: string,
  now: Date,
): Promise<MarkerClaim | undefined> {
  const holder = randomUUID();
  const expiresAt = new Date(now.getTime() + MORNING_MARKER_TTL_MS);
  return (await ctx.ledger.claimMarker(key, now, expiresAt, holder)) ? { key, holder } : undefined;
}

/**
 * Sends the notice a claim was made for. One channel reached is enough: the trader was told (once).
 * No channel reached: the claim is given back and the run fails with ERR_NOTICE_UNDELIVERED, so
 * Pub/Sub redelivers and the next delivery inside the window claims and sends again; one that comes
 * after the open is acknowledged as `outside-window`. A notifier that throws (a lone channel
 * reports failure that way) is "nobody told" too: released, then its error goes on.
 */
async function tellOrRelease(
  ctx: Pick<MorningCtx, 'ledger' | 'notifier' | 'log'>,
  claim: MarkerClaim | undefined,
  notice: Notice,
): Promise<NoticeDelivery> {
  let delivery: NoticeDelivery;
  try {
    delivery = deliveryOf(await ctx.notifier.send(notice));
  } catch (error) {
    await release(ctx, claim, notice, { delivered: 0, failed: 1 });
    throw error;
  }
  if (delivery.delivered > 0) return delivery;
  await release(ctx, claim, notice, delivery);
  throw new AppError('ERR_NOTICE_UNDELIVERED', `${notice.kind} reached no channel`, {
    kind: notice.kind,
    failed: delivery.failed,
  });
}

/** An ERROR line, so Cloud Monitoring emails it (infra/monitoring.tf): the chat channels just failed. */
async function release(
  ctx: Pick<MorningCtx, 'ledger' | 'log'>,
  claim: MarkerClaim | undefined,
  notice: Notice,
  delivery: NoticeDelivery,
): Promise<void> {
  if (!claim) {
    // A forced run over a marker already taken: nothing to give back, but nobody was told either.
    ctx.log.error('morning_notice.undelivered', { kind: notice.kind, ...delivery, released: false });
    return;
  }
  const fields = { marker: claim.key, kind: notice.kind, ...delivery };
  let released: boolean;
  try {
    released = await ctx.ledger.releaseMarker(claim.key, claim.holder);
  } catch (error) {
    // The marker stays: a redelivery will say already-sent. Only the code: a store error may quote paths.
    const code = (error as { code?: unknown } | undefined)?.code;
    ctx.log.error('morning_notice.undelivered', {
      ...fields,
      released: false,
      releaseError: String(code ?? 'ERR_INTERNAL'),
    });
    return;
  }
  ctx.log.error('morning_notice.undelivered', { ...fields, released });
}
