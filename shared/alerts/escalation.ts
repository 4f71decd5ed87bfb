import { morningEscalationNotice } from './morningNotice';
import { remindUnlessRenewed } from './onceADay';
import {
  gateLogFields,
  type MorningAlertOptions,
  type MorningAlertReason,
  type MorningAlertResult,
  type MorningCtx,
  morningGate,
} from './tradingMorning';

/** Cloud Scheduler fires at open − 15 min (`15 9 * * 1-5`); a delivery up to 5 minutes early still counts. */
export const ESCALATION_WINDOW_MINUTES = 20;

/**
 * The second, louder reminder: a live connection is still not renewed shortly before the open. Nothing
 * on weekends and holidays, nothing once it is renewed, and one notice per New York date however
 * often Pub/Sub delivers the trigger (marker `morning-escalation:<nyDate>`). Like the reminder, one
 * that reached no channel gives the marker back and fails the run, for a redelivery before the open.
 */
export async function runMorningEscalation(
  ctx: MorningCtx,
  options: MorningAlertOptions = {},
): Promise<MorningAlertResult> {
  const now = ctx.clock.now();
  const gate = morningGate(ctx.calendar, now, ESCALATION_WINDOW_MINUTES, options.force);
  const { nyDate } = gate;
  const result = (reason: MorningAlertReason): MorningAlertResult => {
    ctx.log.info('morning_escalation.decided', {
      nyDate,
      reason,
      forced: options.force === true,
      ...gateLogFields(gate),
    });
    return { sent: reason === 'sent', reason, nyDate };
  };
  if (!gate.open) return result(gate.reason);

  const open = gate.open;
  return result(
    await remindUnlessRenewed(ctx, options, { now, nyDate }, 'morning-escalation', (tokens) =>
      morningEscalationNotice({ tokens, open, now }),
    ),
  );
}
