import axios, { type AxiosInstance } from 'axios';
import { classifyAnswer, classifyNetworkFailure } from '../etrade/classify';
import { type AcceptableTimestamps, EtradeError, isEtradeError } from '../etrade/errors';
import { DEFAULT_RETRY, type RetryPolicy, realSleep, withRetry } from '../etrade/retry';
import type { Logger } from '../log';
import { type Consumer, OAuthSigner, type Params, type TokenPair } from '../oauth1/signer';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Ordered pairs (repeated names allowed) or a plain object. */
export type ParamInput = Params | Readonly<Record<string, string | number | boolean>>;

export interface RequestOptions {
  /** Signed as data (ETRADE.md trap 1). A query already in the URL is split off and signed the same way. */
  readonly query?: ParamInput;
  /** Sent as application/x-www-form-urlencoded and signed. */
  readonly form?: ParamInput;
  /** Sent as application/json; not part of the signature (RFC 5849 signs form bodies only). */
  readonly json?: unknown;
  /** Extra headers; Authorization is always ours. Accept defaults to application/json. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Names the call in errors and log lines; default "METHOD /path". */
  readonly operation?: string;
}

export interface SignedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body parsed as JSON; an EtradeError ERR_UNKNOWN when it is not JSON. */
  json<T = unknown>(): T;
}

export interface TransportOptions {
  readonly consumer: Consumer;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  readonly log: Logger;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Any signed E*TRADE call, through the one signer (oauth1/signer.ts). Transient failures are retried
 * with backoff for GET only: a POST or PUT that timed out (an order) may have gone through, so it is
 * never repeated behind the caller's back. A refused timestamp is corrected once for every method,
 * since E*TRADE refused that request before acting on it.
 */
export class SignedTransport {
  private readonly signer: OAuthSigner;
  private readonly http: AxiosInstance;
  private clockOffsetMs = 0;

  constructor(private readonly options: TransportOptions) {
    options.log.redact(options.consumer.secret);
    this.signer = new OAuthSigner({
      consumer: options.consumer,
      clock: () => options.clock() + this.clockOffsetMs,
    });
    this.http = axios.create({
      timeout: options.timeoutMs ?? 10_000,
      maxRedirects: 0,
      // Keep bodies as text: axios would JSON-parse token-like text (ETRADE.md trap 4).
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
    });
  }

  async send(
    method: HttpMethod,
    url: string,
    token: TokenPair,
    options: RequestOptions = {},
  ): Promise<SignedResponse> {
    const request = prepare(method, url, options);
    const once = () => this.attempt(request, token);
    const run = () =>
      method === 'GET'
        ? withRetry(once, this.options.retry ?? DEFAULT_RETRY, {
            sleep: this.options.sleep ?? realSleep,
            random: this.options.random ?? Math.random,
          })
        : once();
    try {
      return await run();
    } catch (error) {
      if (!isEtradeError(error, 'ERR_CLOCK_SKEW') || !this.correctClock(error.acceptableTimestamps))
        throw error;
      return run();
    }
  }

  private correctClock(window: AcceptableTimestamps | undefined): boolean {
    if (!window) return false;
    const offsetMs = Math.round(((window.from + window.to) / 2) * 1000 - this.options.clock());
    if (Math.abs(offsetMs - this.clockOffsetMs) < 1000) return false;
    this.clockOffsetMs = offsetMs;
    this.options.log.warn('trading_client.clock_corrected', { offsetSeconds: Math.round(offsetMs / 1000) });
    return true;
  }

  private async attempt(request: Prepared, token: TokenPair): Promise<SignedResponse> {
    const signed = this.signer.sign({
      method: request.method,
      url: request.baseUrl,
      query: request.query,
      form: request.form,
      token,
    });
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    headers.Authorization = signed.authorization;
    let data: string | undefined;
    if (signed.body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      data = signed.body;
    } else if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      data = JSON.stringify(request.json);
    }
    const { operation } = request;
    const started = this.options.clock();
    let answer;
    try {
      answer = await this.http.request<string>({ method: request.method, url: signed.url, headers, data });
    } catch (error) {
      const failure = classifyNetworkFailure(operation, axios.isAxiosError(error) ? error.code : undefined);
      this.options.log.warn('trading_client.call_failed', { operation, code: failure.code });
      throw failure;
    }
    const durationMs = this.options.clock() - started;
    const body = String(answer.data ?? '');
    if (answer.status < 200 || answer.status >= 300) {
      const failure = classifyAnswer(operation, {
        status: answer.status,
        body,
        wwwAuthenticate: answer.headers['www-authenticate'] as string | undefined,
      });
      this.options.log.warn('trading_client.call_failed', {
        operation,
        status: answer.status,
        durationMs,
        code: failure.code,
        problem: failure.problem,
      });
      throw failure;
    }
    this.options.log.info('trading_client.call', { operation, status: answer.status, durationMs });
    return response(operation, answer.status, plainHeaders(answer.headers), body);
  }
}

interface Prepared {
  readonly method: HttpMethod;
  readonly baseUrl: string;
  readonly query: Params;
  readonly form?: Params;
  readonly json?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly operation: string;
}

function prepare(method: HttpMethod, url: string, options: RequestOptions): Prepared {
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new TypeError(`method must be one of ${HTTP_METHODS.join(', ')}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError('url must be http(s)');
  if (options.form !== undefined && options.json !== undefined) {
    throw new TypeError('options.form and options.json cannot both be given');
  }
  if (method === 'GET' && (options.form !== undefined || options.json !== undefined)) {
    throw new TypeError('a GET request has no body: pass options.query instead');
  }
  for (const name of Object.keys(options.headers ?? {})) {
    if (name.toLowerCase() === 'authorization')
      throw new TypeError('options.headers must not set Authorization');
  }
  // URLSearchParams decodes `+` as a space, as RFC 5849 §3.4.1.3.1 reads a query.
  const fromUrl: [string, string][] = [...parsed.searchParams];
  parsed.search = '';
  parsed.hash = '';
  return {
    method,
    baseUrl: parsed.toString(),
    query: [...fromUrl, ...toPairs(options.query)],
    form: options.form === undefined ? undefined : toPairs(options.form),
    json: options.json,
    headers: options.headers ?? {},
    operation: options.operation ?? `${method} ${parsed.pathname}`,
  };
}

function toPairs(input: ParamInput | undefined): [string, string][] {
  if (input === undefined) return [];
  if (Array.isArray(input)) return input.map(([name, value]) => [name, value]);
  return Object.entries(input).map(([name, value]) => [name, String(value)]);
}

function plainHeaders(headers: Record<string, unknown>): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) plain[name.toLowerCase()] = String(value);
  }
  return plain;
}

function response(
  operation: string,
  status: number,
  headers: Record<string, string>,
  body: string,
): SignedResponse {
  return {
    status,
    headers,
    body,
    json<T>() {
      try {
        return JSON.parse(body) as T;
      } catch {
        throw new EtradeError('ERR_UNKNOWN', `${operation}: unexpected answer from E*TRADE (not JSON)`, {
          operation,
          status,
        });
      }
    },
  };
}
