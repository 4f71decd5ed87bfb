import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What a fake chat service can do to the next request instead of answering normally: answer with an
 * error of its own kind, answer late, never answer (until closed), or drop the connection.
 */
export type Fault =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly type?: string }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

/** A queue of faults, each used by one request, in order. */
export class FaultQueue {
  private readonly queue: Fault[] = [];
  private readonly hanging = new Set<ServerResponse>();

  push(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(fault);
  }

  /**
   * Applies the next fault, if any. Returns true when the request has been dealt with (answered,
   * dropped or left hanging); a delay returns false after waiting, so the caller answers normally.
   */
  async apply(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const fault = this.queue.shift();
    if (!fault) return false;
    switch (fault.kind) {
      case 'answer':
        res.writeHead(fault.status, { 'content-type': fault.type ?? 'application/json' });
        res.end(fault.body);
        return true;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return res.destroyed;
      case 'hang':
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
    }
  }

  /** Ends every request left hanging (on close). */
  releaseAll(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  get pending(): number {
    return this.queue.length;
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
