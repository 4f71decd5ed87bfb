import { SimulatorError } from './errors';
import { WRONG_VERIFIER_ANSWERS, type WrongVerifierAnswer } from './responses';

export interface Consumer {
  key: string;
  secret: string;
}

/** Not a real secret: the consumer `npm start` and browser tests use. Contains `+ / =` on purpose. */
export const DEMO_CONSUMER: Readonly<Consumer> = Object.freeze({
  key: 'sim-demo-consumer-key',
  secret: 'sim-demo-consumer-secret+/=',
});

export interface SimulatorOptions {
  /** Epoch ms; every time decision (expiry, idle, timestamp window, nonces) reads it. */
  clock?: () => number;
  consumers?: Consumer[];
  host?: string;
  port?: number;
  /** Added to every request, for benchmarks. */
  latencyMs?: number;
  /** How access_token answers a wrong PIN; default `token_rejected`, as E*TRADE does. */
  wrongVerifier?: WrongVerifierAnswer;
}

export type ResolvedOptions = Required<SimulatorOptions>;

/** Defaults filled in and every value checked once, with errors that name the option. */
export function resolveOptions(opts: SimulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    clock: opts.clock ?? Date.now,
    consumers: opts.consumers ?? [DEMO_CONSUMER],
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    latencyMs: opts.latencyMs ?? 0,
    wrongVerifier: opts.wrongVerifier ?? 'token_rejected',
  };
  const { consumers, port, latencyMs } = resolved;
  if (consumers.length === 0 || consumers.some((c) => typeof c.key !== 'string' || c.key === '')) {
    throw new SimulatorError(
      'ERR_SIM_INVALID_OPTION',
      'consumers must be non-empty, each with a non-empty key',
    );
  }
  if (consumers.some((c) => typeof c.secret !== 'string')) {
    throw new SimulatorError('ERR_SIM_INVALID_OPTION', 'consumers[].secret must be a string');
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SimulatorError('ERR_SIM_INVALID_OPTION', `port must be an integer 0-65535, got ${port}`);
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new SimulatorError(
      'ERR_SIM_INVALID_OPTION',
      `latencyMs must be a finite number >= 0, got ${latencyMs}`,
    );
  }
  assertWrongVerifierAnswer(resolved.wrongVerifier);
  return resolved;
}

export function assertWrongVerifierAnswer(value: unknown): asserts value is WrongVerifierAnswer {
  if (!(WRONG_VERIFIER_ANSWERS as readonly unknown[]).includes(value)) {
    throw new SimulatorError(
      'ERR_SIM_INVALID_OPTION',
      `wrongVerifier must be one of ${WRONG_VERIFIER_ANSWERS.join(', ')}, got ${String(value)}`,
    );
  }
}
