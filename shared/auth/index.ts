export * from './apiKeys';
export * from './authenticate';
export * from './csrf';
export * from './loginLinks';
export * from './renewLinks';
export * from './sessions';
export { MIN_KEY_LENGTH } from './keys';
export { freshLoginLink } from './freshLoginLink';
