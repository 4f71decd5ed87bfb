import {
  DEMO_CONSUMER,
  EtradeSimulator,
  type SimulatorOptions,
  type WrongVerifierAnswer,
} from '../../shared/simulator';
import { authorizationHeader } from './signRequest';

describe('simulator options and shutdown', () => {
  it('defaults: 127.0.0.1, an ephemeral port, DEMO_CONSUMER and the real clock', async () => {
    const sim = new EtradeSimulator();
    try {
      const url = await sim.start();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.url).toBe(url);
      expect(sim.authorizeUrlBase).toBe(`${url}/e/t/etws/authorize`);
      const target = `${url}/oauth/request_token`;
      const authorization = authorizationHeader({
        url: target,
        consumer: DEMO_CONSUMER,
        timestampS: Math.floor(Date.now() / 1000),
        oauth: { oauth_callback: 'oob' },
      });
      const answer = await fetch(target, { headers: { Authorization: authorization } });
      expect(answer.status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it.each([
    { port: -1 },
    { port: 1.5 },
    { latencyMs: -5 },
    { latencyMs: NaN },
    { consumers: [] },
    { consumers: [{ key: '', secret: 's' }] },
    { wrongVerifier: 'permission_denied' },
  ])('refuses %j with ERR_SIM_INVALID_OPTION', (opts) => {
    expect(() => new EtradeSimulator(opts as SimulatorOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_SIM_INVALID_OPTION' }),
    );
  });

  it('answerWrongVerifierWith refuses an unknown form by name', () => {
    const sim = new EtradeSimulator();
    expect(() => sim.answerWrongVerifierWith('nope' as WrongVerifierAnswer)).toThrow(
      expect.objectContaining({
        code: 'ERR_SIM_INVALID_OPTION',
        message: expect.stringMatching(
          /^wrongVerifier must be one of token_rejected, verifier_invalid, bare401/,
        ),
      }),
    );
  });

  it('url before start() is a coded error; close() before start() is harmless; start() twice is refused', async () => {
    const sim = new EtradeSimulator();
    expect(() => sim.url).toThrow(expect.objectContaining({ code: 'ERR_SIM_NOT_STARTED' }));
    await sim.close();
    await sim.start();
    await expect(sim.start()).rejects.toMatchObject({ code: 'ERR_SIM_ALREADY_STARTED' });
    await sim.close();
  });

  it('latencyMs delays every answer; close() ends pending delays and keep-alive sockets', async () => {
    const slow = new EtradeSimulator({ latencyMs: 60 });
    const url = await slow.start();
    const started = performance.now();
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    // close() lands during the latency; the 10 s delay behind it must not keep jest alive.
    slow.inject({ kind: 'delay', ms: 10_000 });
    const pending = fetch(`${url}/nowhere`).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await slow.close();
    await expect(pending).resolves.toBe('closed');
  });
});
