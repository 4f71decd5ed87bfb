import { http } from '@google-cloud/functions-framework';
import { requestTokenRoutes } from '../shared/api/pinFlowRoutes';
import { httpFunction } from '../shared/api/register';
import { renewButtonRoutes } from '../shared/api/renewButtonRoutes';
import type { WarmPart } from '../shared/app/warmUp';

/** What a warm-up builds (shared/app/warmUp.ts), and what a deploy build's code cache is made on. */
export const warms: readonly WarmPart[] = ['ledger', 'etrade'];

/**
 * POST {connection} → a request token kept server-side and E*TRADE's authorize URL; GET /renew?t=… (a
 * chat's button) → the same, for the chat, as a 302 to the authorize page.
 */
http(
  'requestToken',
  httpFunction((ctx) => [...requestTokenRoutes(ctx), ...renewButtonRoutes(ctx)], { warms }),
);
