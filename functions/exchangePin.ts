import { http } from '@google-cloud/functions-framework';
import { exchangePinRoutes } from '../shared/api/pinFlowRoutes';
import { httpFunction } from '../shared/api/register';

/** POST {flowId, pin} → the new token stored, recorded, announced; the response names its generation. */
http(
  'exchangePin',
  httpFunction(exchangePinRoutes, { warms: ['ledger', 'etrade', 'vault', 'events', 'outbox'] }),
);
