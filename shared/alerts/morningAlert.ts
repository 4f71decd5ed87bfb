import { warnAgingConsumerKeys } from './consumerKeyAging';
import { morningReminderNotice } from './morningNotice';
import { remindUnlessRenewed } from './onceADay';
import {
  gateLogFields,
  type MorningAlertOptions,
  type MorningAlertReason,
  type MorningAlertResult,
  type MorningCtx,
  morningGate,
} from './tradingMorning';

export {
  MORNING_ALERT_REASONS,
  MORNING_MARKER_TTL_MS as MORNING_ALERT_MARKER_TTL_MS,
  type MorningAlertOptions,
  type MorningAlertReason,
  type MorningAlertResult,
} from './tradingMorning';

/** The reminder may go out from this long before the open (Cloud Scheduler fires at open − 60 min). */
export const MORNING_ALERT_WINDOW_MINUTES = 75;

/**
 * The trading-morning reminder to log in again before the open: one message listing every connection
 * still to renew, with a button each, unless every live connection was renewed today. Triggered by Pub/Sub, which
 * delivers at least once: the ledger marker for the New York date makes the notice go out once.
 * A reminder that reached no channel gives the marker back and fails the run (ERR_NOTICE_UNDELIVERED)
 * so that Pub/Sub redelivers; the redeliveries stop mattering at the open, where the window closes.
 * The same run warns, at most weekly, about consumer keys near their two-year lapse.
 */
export async function runMorningAlert(
  ctx: MorningCtx,
  options: MorningAlertOptions = {},
): Promise<MorningAlertResult> {
  const now = ctx.clock.now();
  const gate = morningGate(ctx.calendar, now, MORNING_ALERT_WINDOW_MINUTES, options.force);
  const { nyDate } = gate;
  const result = (reason: MorningAlertReason, consumerKeyWarnings: string[] = []): MorningAlertResult => {
    ctx.log.info('morning_alert.decided', {
      nyDate,
      reason,
      forced: options.force === true,
      consumerKeyWarnings: consumerKeyWarnings.length,
      ...gateLogFields(gate),
    });
    return {
      sent: reason === 'sent',
      reason,
      nyDate,
      ...(consumerKeyWarnings.length > 0 ? { consumerKeyWarnings } : {}),
    };
  };
  if (!gate.open) return result(gate.reason);

  const open = gate.open;
  const reason = await remindUnlessRenewed(ctx, options, { now, nyDate }, 'morning-alert', (tokens) =>
    morningReminderNotice({ tokens, open, earlyClose: ctx.calendar.isEarlyClose(nyDate), now }),
  );
  return result(reason, await warnAgingConsumerKeys(ctx, now));
}
