import { EtradeClient, EtradeClientOptions } from '../../shared/etrade/client';
import { Logger } from '../../shared/log';
import { EtradeSimulator } from '../../shared/simulator';

/** Recognisable values: a test fails if any of them shows up where a secret must not. */
export const CANARY_CONSUMER = { key: 'canary-consumer-key', secret: 'CANARY-consumer+secret/value=' };

/**
 * A simulator with a hand-moved clock and a client wired to it over real loopback sockets, with
 * instant retry sleeps so backoff costs no wall time.
 */
export class SimulatedEtrade {
  now: number;
  readonly sim: EtradeSimulator;
  readonly sleeps: number[] = [];

  constructor(startAt: string) {
    this.now = Date.parse(startAt);
    this.sim = new EtradeSimulator({ consumers: [CANARY_CONSUMER], clock: () => this.now });
  }

  async start(): Promise<this> {
    await this.sim.start();
    return this;
  }

  client(options: Partial<EtradeClientOptions> & { log?: Logger } = {}): EtradeClient {
    return new EtradeClient({
      consumer: CANARY_CONSUMER,
      endpoints: {
        oauthBase: this.sim.url,
        apiBase: this.sim.url,
        authorizeBase: this.sim.authorizeUrlBase,
      },
      clock: () => this.now,
      sleep: async (ms) => void this.sleeps.push(ms),
      timeoutMs: 2000,
      ...options,
    });
  }

  advance(ms: number): void {
    this.now += ms;
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}

/** Reads the PIN the way a person does: open the authorize page, press "Log in", copy the code. */
export async function loginAndReadPin(authorizeUrl: string): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  expect(html).toContain('id="login"');
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams({
    key: url.searchParams.get('key') ?? '',
    token: url.searchParams.get('token') ?? '',
  });
  const answer = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const pin = /<code id="pin">([A-Z0-9]{5})<\/code>/.exec(await answer.text())?.[1];
  if (!pin) throw new Error('no PIN on the page');
  return pin;
}
