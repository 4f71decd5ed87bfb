import { cloudEvent } from '@google-cloud/functions-framework';
import { SIGN_IN_AND_RENEWAL_PATHS, sendWarmUps } from '../shared/app/warmUp';
import { pubSubFunction } from '../shared/api/register';
import { readMorningStage, runMorningStage } from '../shared/alerts/morningStage';

/**
 * Cloud Scheduler → Pub/Sub on weekdays: the renewal reminder at 08:30 ET and, with
 * `{"stage":"escalation"}`, the louder one at 09:15 ET; each at most once per trading day.
 */
cloudEvent(
  'morningAlert',
  pubSubFunction('morningAlert', async (ctx, message) => {
    const stage = readMorningStage(message.json);
    // A payload no redelivery can fix: acknowledged (logged by the caller), never retried.
    if (!stage) return { stage: 'unknown', sent: false };
    const result = await runMorningStage(ctx, stage);
    // The trader taps the reminder's sign-in link next: the renewal's functions start now (shared/app/warmUp.ts).
    if (result.sent && ctx.config.warmUp)
      await sendWarmUps(ctx.pageUrl, SIGN_IN_AND_RENEWAL_PATHS, { log: ctx.log });
    return {
      stage,
      sent: result.sent,
      reason: result.reason,
      nyDate: result.nyDate,
      consumerKeyWarnings: result.consumerKeyWarnings?.length,
    };
  }),
);
