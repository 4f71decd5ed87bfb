import { http } from '@google-cloud/functions-framework';
import { actionsRoutes } from '../shared/api/actionsRoutes';
import { httpFunction } from '../shared/api/register';

/** Sign-in, login links, manual keep-alive / morning-alert runs and usage reports. */
http('actions', httpFunction(actionsRoutes, { warms: ['ledger'] }));
