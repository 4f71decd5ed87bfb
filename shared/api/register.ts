import type { CloudEvent, HttpFunction } from '@google-cloud/functions-framework';
import type { AppContext } from '../app/context';
import { instanceContext } from '../app/instance';
import { WARM_UP_HEADER, type WarmPart, warmUp } from '../app/warmUp';
import { httpHandler, type Route } from '../http';
import { readPubSubMessage, type PubSubMessage } from '../triggers/pubsubMessage';

/**
 * An HTTP Cloud Function from a route table. The table is built once per context (per instance),
 * on the first request, so configuration problems surface there and not at import.
 */
export function httpFunction(
  routes: (ctx: AppContext) => Route[],
  options: {
    readonly maxBodyBytes?: number;
    /** What a warm-up builds besides the route table (shared/app/warmUp.ts). */
    readonly warms?: readonly WarmPart[];
  } = {},
): HttpFunction {
  const handlers = new WeakMap<AppContext, HttpFunction>();
  const warmed = new WeakMap<AppContext, Promise<void>>();
  const handlerOf = (ctx: AppContext) => {
    let handler = handlers.get(ctx);
    if (!handler) {
      handler = httpHandler(routes(ctx), { log: ctx.log, maxBodyBytes: options.maxBodyBytes });
      handlers.set(ctx, handler);
    }
    return handler;
  };
  return async (req, res) => {
    const ctx = instanceContext();
    // A warm-up: everything a first request builds, once per instance; then 204, whoever asked.
    if (req.method === 'POST' && req.get(WARM_UP_HEADER) === '1') {
      let warming = warmed.get(ctx);
      if (!warming) {
        handlerOf(ctx);
        warming = warmUp(ctx, options.warms ?? []);
        warmed.set(ctx, warming);
      }
      await warming;
      res.status(204).end();
      return;
    }
    return handlerOf(ctx)(req, res);
  };
}

/** A Pub/Sub-triggered Cloud Function: the payload is read defensively and handed to `run`. */
export function pubSubFunction(
  name: string,
  run: (
    ctx: AppContext,
    message: PubSubMessage,
  ) => Promise<Record<string, string | number | boolean | undefined>>,
): (event: CloudEvent<unknown>) => Promise<void> {
  return async (event) => {
    const ctx = instanceContext();
    const message = readPubSubMessage(event.data);
    try {
      const summary = await run(ctx, message);
      ctx.log.info(`${name}.done`, { messageId: message.messageId, ...summary });
    } catch (error) {
      ctx.log.error(`${name}.failed`, {
        messageId: message.messageId,
        code:
          (error as { code?: unknown }).code === undefined
            ? 'ERR_INTERNAL'
            : String((error as { code: unknown }).code),
      });
      // Rethrow so Pub/Sub redelivers; each use case is idempotent under redelivery.
      throw error;
    }
  };
}
