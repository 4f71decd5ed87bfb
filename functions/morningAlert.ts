import { cloudEvent } from '@google-cloud/functions-framework';
import { freshLoginLink } from '../shared/auth';
import { pubSubFunction } from '../shared/api/register';
import { runMorningAlert } from '../shared/alerts/morningAlert';

/** Cloud Scheduler → Pub/Sub at 08:30 ET on weekdays: the renewal reminder, once per trading day. */
cloudEvent(
  'morningAlert',
  pubSubFunction('morningAlert', async (ctx) => {
    const result = await runMorningAlert(ctx, { loginLink: () => freshLoginLink(ctx) });
    return { sent: result.sent, reason: result.reason, nyDate: result.nyDate };
  }),
);
