import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { Logger } from '../log';
import type { AppContext } from './context';

/**
 * Warming: a request that makes a function instance ready for its first real one, so the trader meets
 * warm instances. It is a POST to one of the function's own paths (through Firebase Hosting, like the
 * page's calls) with this header; the function answers 204 after building what its first request
 * would build, at most once per instance, and does nothing else for anyone (shared/api/register.ts).
 */
export const WARM_UP_HEADER = 'x-etrade-warm-up';

/** After a sign-in link is redeemed, the page calls these next: status at once, the PIN flow soon after. */
export const RENEWAL_PATHS = ['/status', '/api/request-token', '/api/exchange-pin'] as const;
/** A reminder with a sign-in link: the link's redeem (actions), then the renewal's functions. */
export const SIGN_IN_AND_RENEWAL_PATHS = ['/api/login', ...RENEWAL_PATHS] as const;

/** What a function's first request uses, built on a warm-up: each adapter loads its client library. */
export type WarmPart = 'ledger' | 'etrade' | 'vault' | 'events' | 'outbox';

/**
 * Builds the parts, and opens the channels that can be opened without side effects: one ledger read
 * (Firestore's channel, protos and credentials), the first connection's E*TRADE client (its consumer
 * secret and HTTP client), the Secret Manager and Pub/Sub clients initialized and connecting. Never
 * rejects: a warm-up that fails leaves the first request as cold as it was.
 */
export async function warmUp(ctx: AppContext, parts: readonly WarmPart[]): Promise<void> {
  const connection = ctx.config.connections[0];
  try {
    for (const part of parts) void ctx[part];
    await Promise.all([
      parts.includes('ledger') && ctx.ledger.get(connection.id),
      parts.includes('etrade') && ctx.etrade.forConnection(connection),
      // Secret Manager and Pub/Sub: ready for their first call without making one (no side effect).
      ctx.warmClients(),
    ]);
  } catch (error) {
    ctx.log.warn('warm_up.failed', { code: (error as { code?: unknown }).code as string | undefined });
  }
}

/**
 * Sends a warm-up to each path on the page's host, and resolves once every request has left this
 * instance (its bytes handed to the network) or `withinMs` has passed, whichever is first; never
 * rejects. The answers are not awaited: the target instance starts as the request reaches it, and
 * this instance's CPU may be throttled as soon as its own answer is out (gen2).
 */
export async function sendWarmUps(
  pageUrl: string,
  paths: readonly string[],
  options: { readonly withinMs?: number; readonly log?: Logger } = {},
): Promise<void> {
  const withinMs = options.withinMs ?? 1_000;
  const sent = paths.map(
    (path) =>
      new Promise<void>((resolve) => {
        let url: URL;
        try {
          url = new URL(path, pageUrl);
        } catch {
          return resolve();
        }
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const req = send(url, {
          method: 'POST',
          headers: { [WARM_UP_HEADER]: '1', 'content-length': '0' },
          agent: false,
        });
        req.on('finish', () => resolve());
        req.on('response', (res) => res.resume());
        req.on('error', () => {
          options.log?.warn('warm_up.unsent', { path });
          resolve();
        });
        req.end();
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(sent),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, withinMs);
    }),
  ]);
  clearTimeout(timer);
}
