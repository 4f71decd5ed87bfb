import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { freshLoginLink } from '../auth';
import type { AppContext } from '../app/context';
import { createContext } from '../app/createContext';
import { useContext } from '../app/instance';
import { loadConfig } from '../config';
import type { Clock } from '../ports/clock';
import type { Notifier } from '../ports/notifier';
import { EtradeSimulator } from '../simulator';
import { createGateway, readHostingConfig } from './gateway';
import { startScheduler } from './scheduler';
import { ensureLocalSecrets } from './secrets';

export interface LocalSystemOptions {
  /** Gateway port (page + functions); 0 = any free port. */
  readonly port?: number;
  /** Simulator port; 0 = any free port. Ignored when real E*TRADE keys are configured. */
  readonly simPort?: number;
  readonly dataDir: string;
  readonly publicDir?: string;
  /** One clock for the functions and the simulator (tests move it by hand). */
  readonly clock?: Clock;
  readonly notifier?: Notifier;
  /** Fire keepAlive every 15 minutes and morningAlert at 08:30 and 09:15 ET, as Cloud Scheduler would. */
  readonly schedule?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LocalSystem {
  readonly url: string;
  /** Undefined when the system talks to real E*TRADE. */
  readonly simulator?: EtradeSimulator;
  readonly apiKey: string;
  readonly ctx: AppContext;
  loginLink(): Promise<string>;
  /** Delivers a Pub/Sub tick (payload default `{}`) to an event function, as the scheduler does. */
  tick(name: 'keepAlive' | 'morningAlert', json?: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

/**
 * The whole system in one process on embedded defaults: the E*TRADE simulator, the functions
 * (registered by the real entry point and served by functions-framework), the Hosting page and
 * its rewrites from firebase.json, and an in-process scheduler.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const baseEnv = options.env ?? process.env;
  const realEtrade = Boolean(baseEnv.ETRADE_CONSUMER_KEY && baseEnv.ETRADE_CONSUMER_SECRET);
  const clock = options.clock;
  const simulator = realEtrade
    ? undefined
    : new EtradeSimulator({ port: options.simPort ?? 0, clock: clock && (() => clock.now().getTime()) });
  const simUrl = simulator && (await simulator.start());

  const hosting = await readHostingConfig();
  const gateway = createGateway(hosting, options.publicDir ?? hosting.public, (functionId, req, res) =>
    functionServer(functionId).emit('request', req, res),
  );
  await new Promise<void>((resolve) => gateway.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;

  const env = {
    ...baseEnv,
    ...(simUrl && {
      ETRADE_OAUTH_BASE: simUrl,
      ETRADE_API_BASE: simUrl,
      ETRADE_AUTHORIZE_BASE: `${simUrl}/e/t/etws/authorize`,
    }),
    LOCAL_DATA_DIR: options.dataDir,
    PAGE_URL: url,
  };
  const { apiKey } = await ensureLocalSecrets(options.dataDir, loadConfig(env).connections, env);
  // Without a notifier of the caller's, the configured channels: the console, plus Telegram/Slack if set up.
  const ctx = createContext(env, { clock, notifier: options.notifier });
  useContext(ctx);
  // Registers every function with functions-framework, exactly as the deployment's entry point does.
  await import('../../functions');

  const eventServers = new Map<string, { server: Server; url: string }>();
  const tick = async (name: 'keepAlive' | 'morningAlert', json: Record<string, unknown> = {}) => {
    let entry = eventServers.get(name);
    if (!entry) {
      const server = getTestServer(name);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      entry = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
      eventServers.set(name, entry);
    }
    return deliverPubSub(entry.url, name, json);
  };
  const scheduler = options.schedule ? startScheduler(ctx.clock, tick, ctx.log) : undefined;

  return {
    url,
    simulator,
    apiKey,
    ctx,
    loginLink: () => freshLoginLink(ctx),
    tick,
    close: async () => {
      scheduler?.stop();
      useContext(undefined);
      const servers = [gateway, ...[...eventServers.values()].map((entry) => entry.server)];
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      gateway.closeAllConnections();
      await simulator?.close();
    },
  };
}

const functionServers = new Map<string, Server>();
function functionServer(name: string): Server {
  let server = functionServers.get(name);
  if (!server) {
    server = getTestServer(name);
    functionServers.set(name, server);
  }
  return server;
}

let deliveries = 0;
/** Pub/Sub push to a CloudEvent function: the envelope Eventarc sends. */
async function deliverPubSub(url: string, topic: string, json: Record<string, unknown>): Promise<number> {
  const messageId = `local-${Date.now()}-${++deliveries}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-id': messageId,
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/local/topics/${topic}`,
    },
    body: JSON.stringify({
      message: { data: Buffer.from(JSON.stringify(json)).toString('base64'), messageId },
    }),
  });
  await response.text();
  return response.status;
}

export const DEFAULT_LOCAL_PORT = 8080;
export const localDataDir = (env: Readonly<Record<string, string | undefined>>) =>
  env.LOCAL_DATA_DIR ?? join(process.cwd(), '.local');
