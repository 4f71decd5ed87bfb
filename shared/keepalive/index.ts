export { DEFAULT_KEEP_ALIVE_CONCURRENCY, type KeepAliveOptions, runKeepAlive } from './runKeepAlive';
export type { KeepAliveContext } from './keepAliveConnection';
export {
  type ConnectionKeepAlive,
  KEEP_ALIVE_RUN_OUTCOMES,
  type KeepAliveReport,
  type KeepAliveRunOutcome,
} from './report';
export { KEEP_ALIVE_ERROR_CODES, KeepAliveError, type KeepAliveErrorCode } from './errorCode';
export { mapWithConcurrency } from './mapWithConcurrency';
