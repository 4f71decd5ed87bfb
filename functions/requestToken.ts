import { http } from '@google-cloud/functions-framework';
import { requestTokenRoutes } from '../shared/api/pinFlowRoutes';
import { httpFunction } from '../shared/api/register';

/** POST {connection} → a request token kept server-side and E*TRADE's authorize URL. */
http('requestToken', httpFunction(requestTokenRoutes, { warms: ['ledger', 'etrade'] }));
