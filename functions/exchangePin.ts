import { http } from '@google-cloud/functions-framework';
import { exchangePinRoutes } from '../shared/api/pinFlowRoutes';
import { httpFunction } from '../shared/api/register';
import type { WarmPart } from '../shared/app/warmUp';

/** What a warm-up builds (shared/app/warmUp.ts), and what a deploy build's code cache is made on. */
export const warms: readonly WarmPart[] = ['ledger', 'etrade', 'vault', 'events', 'outbox'];

/** POST {flowId, pin} → the new token stored, recorded, announced; the response names its generation. */
http('exchangePin', httpFunction(exchangePinRoutes, { warms }));
