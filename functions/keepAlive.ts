import { cloudEvent } from '@google-cloud/functions-framework';
import { pubSubFunction } from '../shared/api/register';
import { runKeepAlive } from '../shared/keepalive';

/** Cloud Scheduler → Pub/Sub every 15 minutes: keep every live token active. */
cloudEvent(
  'keepAlive',
  pubSubFunction('keepAlive', async (ctx, message) => {
    const report = await runKeepAlive(ctx, { force: message.json.force === true });
    return { ...report.counts, durationMs: report.durationMs };
  }),
);
