import { request as httpRequest } from 'node:http';
import { EtradeSimulator, SimulatorOptions } from '../../shared/simulator';
import { Credentials, SignOptions, TokenPair, authorizationHeader } from './signRequest';

export const CONSUMER: Credentials = { key: 'test-consumer-key', secret: 'test+consumer/secret=' };

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export type CallOptions = Partial<Omit<SignOptions, 'url' | 'timestampS'>> & {
  timestampS?: number;
  headers?: Record<string, string>;
  /** Skip signing entirely (e.g. to test a missing header). */
  unsigned?: boolean;
};

/** A simulator on an ephemeral port with a clock the test moves by hand. */
export class Harness {
  now: number;
  readonly sim: EtradeSimulator;

  constructor(startAt: string | number, opts: SimulatorOptions = {}) {
    this.now = typeof startAt === 'number' ? startAt : Date.parse(startAt);
    this.sim = new EtradeSimulator({ consumers: [CONSUMER], ...opts, clock: () => this.now });
  }

  async start(): Promise<this> {
    await this.sim.start();
    return this;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  get nowS(): number {
    return Math.floor(this.now / 1000);
  }

  /** A signed request over a real socket; `path` may carry a query. */
  async call(path: string, opts: CallOptions = {}): Promise<Answer> {
    const url = `${this.sim.url}${path}`;
    const headers: Record<string, string> = { ...opts.headers };
    if (!opts.unsigned) {
      headers.Authorization = authorizationHeader({
        consumer: CONSUMER,
        ...opts,
        url,
        timestampS: opts.timestampS ?? this.nowS,
      });
    }
    const res = await fetch(url, { method: opts.method ?? 'GET', headers });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  async requestToken(): Promise<TokenPair> {
    const answer = await this.call('/oauth/request_token', { oauth: { oauth_callback: 'oob' } });
    expect(answer.status).toBe(200);
    return tokenPair(answer.text);
  }

  async accessToken(requestToken: TokenPair, verifier: string): Promise<Answer> {
    return this.call('/oauth/access_token', { token: requestToken, oauth: { oauth_verifier: verifier } });
  }

  /** The short way to an access token: approve() stands in for the browser login. */
  async connect(): Promise<TokenPair> {
    const requestToken = await this.requestToken();
    const answer = await this.accessToken(requestToken, this.sim.approve(requestToken.token));
    expect(answer.status).toBe(200);
    return tokenPair(answer.text);
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}

export function tokenPair(body: string): TokenPair {
  const form = new URLSearchParams(body);
  return { token: form.get('oauth_token') ?? '', secret: form.get('oauth_token_secret') ?? '' };
}

/** The oauth_problem an answer reports, in whichever form the endpoint uses. */
export function problemOf(answer: Answer): string | undefined {
  return /oauth_problem=([a-z_]+)/.exec(answer.text)?.[1];
}

/** node:http instead of fetch, for headers fetch will not let a test set (Host). */
export function rawGet(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === 'string') out.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers: out, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
