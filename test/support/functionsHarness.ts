import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { useContext } from '../../shared/app/instance';
import { createLoginLink } from '../../shared/auth';
import type { AppContext } from '../../shared/app/context';
import { LOGIN_LINK_KEY } from './localWorld';
import { loginAndReadPin } from './simulatedEtrade';
import '../../functions';

export const HTTP_FUNCTIONS = [
  'requestToken',
  'exchangePin',
  'status',
  'actions',
  'telegramWebhook',
] as const;
export const EVENT_FUNCTIONS = ['keepAlive', 'morningAlert', 'notices'] as const;
export type FunctionName = (typeof HTTP_FUNCTIONS)[number] | (typeof EVENT_FUNCTIONS)[number];

export interface Credentials {
  readonly cookie?: string;
  readonly csrf?: string;
  readonly bearer?: string;
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/**
 * The deployed entry point (functions/index.ts) served by functions-framework's own test servers on
 * loopback, with the world's context installed as the instance context.
 */
export class FunctionsHarness {
  private readonly urls = new Map<FunctionName, string>();
  private readonly servers: Server[] = [];
  private deliveries = 0;

  /** Any world whose login-link secret is LOGIN_LINK_KEY: the embedded one or the GCP one. */
  constructor(readonly world: { readonly ctx: AppContext }) {}

  async start(): Promise<this> {
    useContext(this.world.ctx);
    for (const name of [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS]) {
      const server = getTestServer(name);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      this.urls.set(name, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    return this;
  }

  url(name: FunctionName, path = '/'): string {
    return `${this.urls.get(name)}${path}`;
  }

  loginLink(): string {
    return createLoginLink({
      key: LOGIN_LINK_KEY,
      pageUrl: this.world.ctx.pageUrl,
      now: this.world.ctx.clock.now(),
    }).url;
  }

  /** Opens a fresh login link the way the page does: POST its token, keep the cookie and CSRF token. */
  async signIn(): Promise<Credentials> {
    const token = new URL(this.loginLink()).searchParams.get('t');
    const answer = await this.call('actions', '/api/login', { body: { token } });
    if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status}`);
    const cookie = answer.headers.get('set-cookie')?.split(';')[0];
    return { cookie, csrf: (answer.body as { csrfToken: string }).csrfToken };
  }

  async call(
    name: FunctionName,
    path: string,
    options: {
      method?: string;
      body?: unknown;
      credentials?: Credentials;
      headers?: Record<string, string>;
      /** `manual`: a redirect is the answer (status and Location), not followed. */
      redirect?: 'follow' | 'manual';
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    const { cookie, csrf, bearer } = options.credentials ?? {};
    if (cookie) headers.cookie = cookie;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.url(name, path), {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      redirect: options.redirect ?? 'follow',
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json') ?? false;
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (json ? JSON.parse(text) : text) : undefined,
    };
  }

  /**
   * The page's renewal through the deployed functions: requestToken, the trader at the simulator's
   * authorize page for the PIN, exchangePin. Answers exchangePin's answer; a refused start throws.
   */
  async renew(credentials: Credentials, connection = 'prod'): Promise<Answer> {
    const started = await this.call('requestToken', '/api/request-token', {
      body: { connection },
      credentials,
    });
    if (started.status !== 201) throw new Error(`requestToken answered ${started.status}`);
    const { flowId, authorizeUrl } = started.body as { flowId: string; authorizeUrl: string };
    const pin = await loginAndReadPin(authorizeUrl);
    return this.call('exchangePin', '/api/exchange-pin', { body: { flowId, pin }, credentials });
  }

  /** Delivers a Pub/Sub message to an event function as Pub/Sub's push does (a CloudEvent). */
  async deliver(
    name: (typeof EVENT_FUNCTIONS)[number],
    json: unknown,
    messageId = `m${++this.deliveries}`,
  ): Promise<number> {
    const response = await fetch(this.url(name), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-id': messageId,
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
        'ce-source': '//pubsub.googleapis.com/projects/etrade-oauth-test/topics/ticks',
      },
      body: JSON.stringify({
        message: { data: Buffer.from(JSON.stringify(json)).toString('base64'), messageId },
        subscription: 'projects/etrade-oauth-test/subscriptions/ticks',
      }),
    });
    await response.text();
    return response.status;
  }

  async close(): Promise<void> {
    useContext(undefined);
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
