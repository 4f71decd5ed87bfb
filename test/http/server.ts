import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { AddressInfo } from 'node:net';
import { jsonLogger, type Logger } from '../../shared/log';

export interface Served {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Registers the handler with functions-framework and serves it on a free loopback port, so tests
 * go through the same body-parser and express stack as a deployed function.
 */
export async function serve(name: string, handler: ff.HttpFunction): Promise<Served> {
  ff.http(name, handler);
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // fetch keeps sockets alive; without this close() waits for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface CapturedLog {
  readonly log: Logger;
  readonly lines: string[];
  entries(): Record<string, unknown>[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  return {
    log: jsonLogger((line) => lines.push(line)),
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
