import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultQueue, readBody } from './httpFaults';

/**
 * A Slack incoming-webhook receiver: `POST /services/T…/B…/<secret>` with a JSON body, answered the
 * way Slack does (200 `ok`; 400 `invalid_payload` / `no_text`; 404 `no_service` for an unknown hook).
 * Records every body it accepted; `faults` makes the next requests fail.
 */
export class SlackWebhookServer {
  readonly received: Record<string, unknown>[] = [];
  readonly faults = new FaultQueue();
  /** The webhook URL to store in the secret; its last segment is the credential. */
  webhookUrl = '';
  private readonly server: Server;

  constructor(private readonly path = '/services/T0CANARY/B0CANARY/CANARYslackwebhooksecret') {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.webhookUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.path}`;
    return this;
  }

  async close(): Promise<void> {
    this.faults.releaseAll();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (await this.faults.apply(req, res)) return;
    if (req.method !== 'POST' || req.url !== this.path) return answer(res, 404, 'no_service');
    if (!/^application\/json/.test(req.headers['content-type'] ?? ''))
      return answer(res, 400, 'invalid_payload');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return answer(res, 400, 'invalid_payload');
    }
    if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return answer(res, 400, 'no_text');
    this.received.push(body);
    answer(res, 200, 'ok');
  }
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(text);
}
