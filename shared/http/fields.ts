import { AppError } from '../app/errors';

/**
 * Checks on a parsed body or query that throw ERR_BAD_REQUEST naming the field. Messages never
 * quote the value: it may be a PIN or a token.
 */
export interface StringRule {
  /** Required, so every accepted string is bounded. Counted in UTF-16 code units. */
  readonly maxLength: number;
  readonly minLength?: number;
  /** Anchor it (`^…$`): it is searched, not matched whole. Flags g/y are harmless here. */
  readonly pattern?: RegExp;
}

export function requireString(source: unknown, field: string, rule: StringRule): string {
  const value = optionalString(source, field, rule);
  if (value === undefined) throw badField(field, `${field} is required`);
  return value;
}

export function optionalString(source: unknown, field: string, rule: StringRule): string | undefined {
  const value = ownValue(source, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badField(field, `${field} must be a string`);
  if (value.length > rule.maxLength) {
    throw badField(field, `${field} must be at most ${rule.maxLength} characters`);
  }
  if (value.length < (rule.minLength ?? 0)) {
    throw badField(field, `${field} must be at least ${rule.minLength} characters`);
  }
  // search() ignores and restores lastIndex, so a shared /g pattern cannot pass every other call.
  if (rule.pattern && value.search(rule.pattern) === -1) {
    throw badField(field, `${field} is not in the expected format`);
  }
  return value;
}

/** For closed sets (`const X = [...] as const`). The allowed values are not listed back. */
export function requireOneOf<T extends string>(source: unknown, field: string, allowed: readonly T[]): T {
  const value = ownValue(source, field);
  if (value === undefined) throw badField(field, `${field} is required`);
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badField(field, `${field} is not an accepted value`);
  }
  return value as T;
}

export function requireBoolean(source: unknown, field: string): boolean {
  const value = ownValue(source, field);
  if (typeof value !== 'boolean') throw badField(field, `${field} must be true or false`);
  return value;
}

/** Own properties only, so `constructor` or `__proto__` never reads the prototype's. */
function ownValue(source: unknown, field: string): unknown {
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, field)) return undefined;
  return (source as Record<string, unknown>)[field];
}

function badField(field: string, message: string): AppError {
  return new AppError('ERR_BAD_REQUEST', message, { field });
}
