import axios, { AxiosInstance } from 'axios';
import { Logger, silentLogger } from '../log';
import { Consumer, OAuthSigner, Params, TokenPair } from '../oauth1/signer';
import { ACCESS_TOKEN_OPERATION, classifyAnswer, classifyNetworkFailure } from './classify';
import { EtradeEndpoints } from './endpoints';
import { AcceptableTimestamps, EtradeError, isEtradeError } from './errors';
import { parseAccountList, parseBalance, parseTokenPair } from './responses';
import { DEFAULT_RETRY, RetryPolicy, realSleep, withRetry } from './retry';
import { EtradeAccount, EtradeBalance } from './types';
import { normaliseVerifier } from './verifier';

export interface EtradeClientOptions {
  readonly consumer: Consumer;
  readonly endpoints: EtradeEndpoints;
  /** Per attempt; E*TRADE normally answers in well under a second. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Epoch milliseconds. */
  readonly clock?: () => number;
  readonly nonce?: () => string;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: Logger;
}

interface Call {
  readonly operation: string;
  readonly url: string;
  readonly token?: TokenPair;
  readonly query?: Params;
  readonly callback?: string;
  readonly verifier?: string;
  readonly json?: boolean;
}

/** A token pair as it comes back from request_token or access_token. */
export type { TokenPair };

/**
 * One E*TRADE login under one consumer key. Stateless about tokens (callers pass the pair they
 * hold) except for the clock offset it learns from `timestamp_refused`.
 */
export class EtradeClient {
  private readonly signer: OAuthSigner;
  private readonly http: AxiosInstance;
  private readonly clock: () => number;
  private readonly log: Logger;
  private clockOffsetMs = 0;

  constructor(private readonly options: EtradeClientOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? silentLogger;
    this.log.redact(options.consumer.secret);
    this.signer = new OAuthSigner({
      consumer: options.consumer,
      clock: () => this.clock() + this.clockOffsetMs,
      nonce: options.nonce,
    });
    this.http = axios.create({
      timeout: options.timeoutMs ?? 10_000,
      maxRedirects: 0,
      // Trap 4: token responses must stay text; axios would JSON-parse `6E008` into a number.
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
    });
  }

  get endpoints(): EtradeEndpoints {
    return this.options.endpoints;
  }

  async getRequestToken(): Promise<TokenPair> {
    const body = await this.call({
      operation: 'request_token',
      url: `${this.endpoints.oauthBase}/oauth/request_token`,
      callback: 'oob',
    });
    return this.remember(parseTokenPair('request_token', body));
  }

  /** The page where the user logs in and reads the PIN; both values are percent-encoded. */
  authorizeUrl(requestToken: string): string {
    const key = encodeURIComponent(this.options.consumer.key);
    return `${this.endpoints.authorizeBase}?key=${key}&token=${encodeURIComponent(requestToken)}`;
  }

  async getAccessToken(requestToken: TokenPair, pin: string): Promise<TokenPair> {
    const verifier = normaliseVerifier(pin);
    const body = await this.call({
      operation: ACCESS_TOKEN_OPERATION,
      url: `${this.endpoints.oauthBase}/oauth/access_token`,
      token: this.remember(requestToken),
      verifier,
    });
    return this.remember(parseTokenPair(ACCESS_TOKEN_OPERATION, body));
  }

  async renewAccessToken(accessToken: TokenPair): Promise<void> {
    const url = `${this.endpoints.oauthBase}/oauth/renew_access_token`;
    await this.call({ operation: 'renew_access_token', url, token: this.remember(accessToken) });
  }

  async revokeAccessToken(accessToken: TokenPair): Promise<void> {
    const url = `${this.endpoints.oauthBase}/oauth/revoke_access_token`;
    await this.call({ operation: 'revoke_access_token', url, token: this.remember(accessToken) });
  }

  /** Open accounts only: E*TRADE keeps CLOSED ones in the list. */
  async listAccounts(accessToken: TokenPair): Promise<EtradeAccount[]> {
    const url = `${this.endpoints.apiBase}/v1/accounts/list`;
    const body = await this.call({
      operation: 'accounts_list',
      url,
      token: this.remember(accessToken),
      json: true,
    });
    return parseAccountList(body).filter((account) => account.accountStatus !== 'CLOSED');
  }

  async getBalance(accessToken: TokenPair, accountIdKey: string): Promise<EtradeBalance> {
    const body = await this.call({
      operation: 'balance',
      url: `${this.endpoints.apiBase}/v1/accounts/${encodeURIComponent(accountIdKey)}/balance`,
      query: [
        ['instType', 'BROKERAGE'],
        ['realTimeNAV', 'true'],
      ],
      token: this.remember(accessToken),
      json: true,
    });
    return parseBalance(body);
  }

  private remember(pair: TokenPair): TokenPair {
    this.log.redact(pair.token);
    this.log.redact(pair.secret);
    return pair;
  }

  /** Retries transient failures; corrects the clock once if E*TRADE refuses our timestamp. */
  private async call(call: Call): Promise<string> {
    const policy = this.options.retry ?? DEFAULT_RETRY;
    const deps = { sleep: this.options.sleep ?? realSleep, random: this.options.random ?? Math.random };
    try {
      return await withRetry((attempt) => this.attempt(call, attempt), policy, deps);
    } catch (error) {
      if (!isEtradeError(error, 'ERR_CLOCK_SKEW') || !this.correctClock(error.acceptableTimestamps))
        throw error;
      return withRetry((attempt) => this.attempt(call, attempt), policy, deps);
    }
  }

  private correctClock(window: AcceptableTimestamps | undefined): boolean {
    if (!window) return false;
    const serverNowMs = ((window.from + window.to) / 2) * 1000;
    const offsetMs = Math.round(serverNowMs - this.clock());
    if (Math.abs(offsetMs - this.clockOffsetMs) < 1000) return false;
    this.clockOffsetMs = offsetMs;
    this.log.warn('etrade.clock_corrected', { offsetSeconds: Math.round(offsetMs / 1000) });
    return true;
  }

  private async attempt(call: Call, attempt: number): Promise<string> {
    const signed = this.signer.sign({
      method: 'GET',
      url: call.url,
      query: call.query,
      token: call.token,
      callback: call.callback,
      verifier: call.verifier,
    });
    const headers: Record<string, string> = { Authorization: signed.authorization };
    if (call.json) headers.Accept = 'application/json';
    const started = this.clock();
    const fields = { operation: call.operation, attempt };
    let answer;
    try {
      answer = await this.http.get<string>(signed.url, { headers });
    } catch (error) {
      const failure = classifyNetworkFailure(
        call.operation,
        axios.isAxiosError(error) ? error.code : undefined,
      );
      this.log.warn('etrade.call_failed', {
        ...fields,
        code: failure.code,
        networkCode: failure.networkCode,
      });
      throw failure;
    }
    const durationMs = this.clock() - started;
    if (answer.status >= 200 && answer.status < 300) {
      this.log.info('etrade.call', { ...fields, status: answer.status, durationMs });
      return String(answer.data ?? '');
    }
    const failure: EtradeError = classifyAnswer(call.operation, {
      status: answer.status,
      body: String(answer.data ?? ''),
      wwwAuthenticate: answer.headers['www-authenticate'] as string | undefined,
    });
    this.log.warn('etrade.call_failed', {
      ...fields,
      status: answer.status,
      durationMs,
      code: failure.code,
      problem: failure.problem,
    });
    throw failure;
  }
}
