import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { AUTHORIZE_PATH } from './authorizePage';
import { readBody } from './body';
import { Incoming, SimContext } from './context';
import { SimulatorError } from './errors';
import { Fault, FaultBook, faultReply } from './faults';
import { NonceLedger } from './nonces';
import { Reply, WrongVerifierAnswer, htmlReply, statusReply } from './responses';
import { ResolvedOptions, SimulatorOptions, assertWrongVerifierAnswer, resolveOptions } from './options';
import { dispatch } from './routes';
import { AccessTokenState, TokenStore } from './tokens';

/** One handled request, with nothing secret: no query, no headers. Status 0 = connection reset. */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  problem?: string;
}

/** A strict, in-process E*TRADE over real HTTP. See ETRADE.md for the behaviour it models. */
export class EtradeSimulator {
  private readonly ctx: SimContext;
  private readonly opts: ResolvedOptions;
  private readonly log: RequestLogEntry[] = [];
  private readonly sleeping = new Map<NodeJS.Timeout, () => void>();
  private server?: Server;
  private baseUrl?: string;

  constructor(opts: SimulatorOptions = {}) {
    this.opts = resolveOptions(opts);
    const { clock, consumers } = this.opts;
    this.ctx = {
      clock,
      consumers: new Map(consumers.map((c) => [c.key, c.secret])),
      nonces: new NonceLedger(clock),
      tokens: new TokenStore(clock),
      faults: new FaultBook(),
      wrongVerifier: this.opts.wrongVerifier,
    };
  }

  async start(): Promise<string> {
    if (this.server !== undefined)
      throw new SimulatorError('ERR_SIM_ALREADY_STARTED', 'simulator already started');
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    this.baseUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return this.baseUrl;
  }

  get url(): string {
    if (this.baseUrl === undefined) throw new SimulatorError('ERR_SIM_NOT_STARTED', 'call start() first');
    return this.baseUrl;
  }

  get authorizeUrlBase(): string {
    return `${this.url}${AUTHORIZE_PATH}`;
  }

  get requests(): ReadonlyArray<RequestLogEntry> {
    return this.log;
  }

  /** Closes every socket, keep-alive ones too, and wakes pending delays, so jest can exit. */
  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    for (const [timer, wake] of this.sleeping) {
      clearTimeout(timer);
      wake();
    }
    this.sleeping.clear();
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** What clicking "Log in" on the authorize page does: the PIN for a live request token. */
  approve(requestToken: string): string {
    const record = this.ctx.tokens.find(requestToken);
    if (record?.kind !== 'request') {
      throw new SimulatorError('ERR_SIM_REQUEST_TOKEN_UNKNOWN', 'unknown request token');
    }
    const state = this.ctx.tokens.requestState(record);
    if (state === 'expired')
      throw new SimulatorError('ERR_SIM_REQUEST_TOKEN_EXPIRED', 'request token expired');
    if (state === 'used')
      throw new SimulatorError('ERR_SIM_REQUEST_TOKEN_USED', 'request token already used');
    return this.ctx.tokens.approve(record);
  }

  tokenState(accessToken: string): AccessTokenState | 'unknown' {
    const record = this.ctx.tokens.find(accessToken);
    return record?.kind === 'access' ? this.ctx.tokens.accessState(record) : 'unknown';
  }

  inject(fault: Fault): void {
    this.ctx.faults.inject(fault);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  /** From now on, answer a wrong PIN at access_token this way (tests of other servers' answers). */
  answerWrongVerifierWith(answer: WrongVerifierAnswer): void {
    assertWrongVerifierAnswer(answer);
    this.ctx.wrongVerifier = answer;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const path = target.split('?')[0];
    try {
      const body = await readBody(req);
      await this.sleep(this.opts.latencyMs);
      const fault = this.ctx.faults.takeOnArrival(path);
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        this.log.push({ method, path, status: 0 });
        return;
      }
      if (fault?.kind === 'delay') await this.sleep(fault.ms);
      const reply =
        malformed(target, body) ??
        (fault && faultReply(fault, path, this.ctx.clock())) ??
        dispatch(this.incoming(req, method, target, path, body ?? ''), this.ctx);
      this.send(res, method, path, reply);
    } catch {
      // Never echo internals to the client (or secrets to a log): a bare 500 is enough to debug.
      this.send(res, method, path, statusReply(500));
    }
  }

  private incoming(
    req: IncomingMessage,
    method: string,
    target: string,
    path: string,
    body: string,
  ): Incoming {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    return {
      method,
      scheme: 'http' as const,
      host: header('host') ?? '',
      target,
      path,
      body,
      contentType: header('content-type'),
      accept: header('accept'),
      authorization: header('authorization'),
    };
  }

  private send(res: ServerResponse, method: string, path: string, reply: Reply): void {
    this.log.push({ method, path, status: reply.status, ...(reply.problem && { problem: reply.problem }) });
    if (res.headersSent || res.destroyed) return;
    res.writeHead(reply.status, { ...reply.headers, 'Cache-Control': 'no-store' });
    res.end(reply.body);
  }

  private sleep(ms: number): Promise<void> {
    // After close() a handler woken mid-request may reach another delay: it must not wait again.
    if (ms <= 0 || this.server === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.set(timer, resolve);
    });
  }
}

/** Requests the simulator will not even route. */
function malformed(target: string, body: string | undefined): Reply | undefined {
  if (!target.startsWith('/'))
    return htmlReply(400, 'Bad Request', '<p>Origin-form request targets only.</p>');
  if (body === undefined) return htmlReply(413, 'Payload Too Large', '<p>The body is too large.</p>');
  return undefined;
}
