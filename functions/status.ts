import { http } from '@google-cloud/functions-framework';
import { httpFunction } from '../shared/api/register';
import { statusRoutes } from '../shared/api/statusRoutes';

/** GET: every connection's state, deadlines and keep-alive health; never token material. */
http('status', httpFunction(statusRoutes, { warms: ['ledger'] }));
