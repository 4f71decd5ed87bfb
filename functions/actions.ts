import { http } from '@google-cloud/functions-framework';
import { actionsRoutes } from '../shared/api/actionsRoutes';
import { httpFunction } from '../shared/api/register';
import type { WarmPart } from '../shared/app/warmUp';

/** What a warm-up builds (shared/app/warmUp.ts), and what a deploy build's code cache is made on. */
export const warms: readonly WarmPart[] = ['ledger'];

/** Sign-in, login links, manual keep-alive / morning-alert runs and usage reports. */
http('actions', httpFunction(actionsRoutes, { warms }));
