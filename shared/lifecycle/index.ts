export { TOKEN_STATES, type TokenState, isTokenState } from './tokenStates';
export { DEFAULT_LIFECYCLE_POLICY, type LifecyclePolicy, resolvePolicy } from './lifecyclePolicy';
export { type TokenFacts, type TokenTimeline, tokenTimeline } from './tokenTimeline';
export {
  CONSUMER_KEY_LIFETIME_MONTHS,
  CONSUMER_KEY_WARN_MONTHS,
  type ConsumerKeyAge,
  consumerKeyAge,
} from './consumerKeyAge';
export { recordFacts } from './recordFacts';
