/**
 * Errors the simulator throws at the test or tool that drives it (never over HTTP: HTTP callers
 * get E*TRADE's own error forms from `responses.ts`).
 */
export const SIMULATOR_ERROR_CODES = [
  'ERR_SIM_NOT_STARTED',
  'ERR_SIM_ALREADY_STARTED',
  'ERR_SIM_REQUEST_TOKEN_UNKNOWN',
  'ERR_SIM_REQUEST_TOKEN_EXPIRED',
  'ERR_SIM_REQUEST_TOKEN_USED',
  'ERR_SIM_INVALID_OPTION',
  'ERR_SIM_INVALID_FAULT',
] as const;
export type SimulatorErrorCode = (typeof SIMULATOR_ERROR_CODES)[number];

export class SimulatorError extends Error {
  override readonly name = 'SimulatorError';
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
