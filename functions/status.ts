import { http } from '@google-cloud/functions-framework';
import { httpFunction } from '../shared/api/register';
import type { WarmPart } from '../shared/app/warmUp';
import { statusRoutes } from '../shared/api/statusRoutes';

/** What a warm-up builds (shared/app/warmUp.ts), and what a deploy build's code cache is made on. */
export const warms: readonly WarmPart[] = ['ledger'];

/** GET: every connection's state, deadlines and keep-alive health; never token material. */
http('status', httpFunction(statusRoutes, { warms }));
