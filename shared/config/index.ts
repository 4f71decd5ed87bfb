export {
  type AppConfig,
  DEFAULT_KEEPALIVE_LEAD_MINUTES,
  DEFAULT_STATUS_MAX_AGE_MS,
  DEFAULT_TOKEN_EVENTS_TOPIC,
  type Env,
  loadConfig,
} from './loadConfig';
export { type ChannelConfig, DEFAULT_TELEGRAM_API_ROOT } from './channels';
export { ConfigError, type ConfigIssue } from './configError';
export {
  CONNECTION_ID_PATTERN,
  type Connection,
  type ConnectionEntry,
  DEFAULT_CONNECTIONS,
  defaultConsumerSecretId,
} from './connections';
