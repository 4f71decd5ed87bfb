export {
  DEFAULT_USAGE_THROTTLE_MS,
  type TokenEventSource,
  TradingClient,
  type TradingClientOptions,
  createTradingClient,
} from './tradingClient';
export { CurrentToken } from './currentToken';
export { type Readiness, judgeReadiness } from './readiness';
export {
  HTTP_METHODS,
  type HttpMethod,
  type ParamInput,
  type RequestOptions,
  type SignedResponse,
} from './signedTransport';
export {
  TRADING_CLIENT_ERROR_CODES,
  TradingClientError,
  type TradingClientErrorCode,
  isTradingClientError,
} from './errors';
export { readConsumer } from './consumer';
export { tradingClientFor } from './fromContext';
export { type TokenEventSubscription, subscribeToTokenEvents } from './pubSubTokenEvents';
export { formatDuration, formatNewYorkTime } from './durations';
