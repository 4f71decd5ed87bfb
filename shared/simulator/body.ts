import { IncomingMessage } from 'node:http';

/** E*TRADE's OAuth and account calls carry no body; the login form is tiny. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The whole body as UTF-8, or undefined when it is larger than `limit` (the rest is drained). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}
