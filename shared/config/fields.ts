import { assertCalendarDate } from '../time/calendarDate';
import { type ConfigIssue, formatPath } from './configError';

/**
 * The few field rules the configuration needs, written out: each checks one value, records an issue
 * naming its path when the value is wrong, and says what was expected and what was given, so the path
 * plus the message is enough to fix the deploy. (Plain code rather than a schema library: the
 * configuration is read at every cold start, before the first answer.)
 */

const SHOWN_CHARS = 60;

/** The bad value as it would be typed, shortened; only used for fields that never hold secrets. */
export function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/** "required" for a missing value, else `expected …, got <value>` (or just `expected …`). */
export function expected(what: string, { echo = true } = {}) {
  return (input: unknown): string => {
    if (input === undefined) return 'required';
    return echo ? `expected ${what}, got ${show(input)}` : `expected ${what}`;
  };
}

export type Path = readonly (string | number)[];

/** Every issue found, in the order found: a deploy with two mistakes learns about both at once. */
export class Issues {
  readonly list: ConfigIssue[] = [];

  add(path: Path, message: string): undefined {
    this.list.push({ path: formatPath(path), message });
    return undefined;
  }
}

/** A string matching `pattern`, or undefined after recording `expected(what)`. */
export function matching(
  issues: Issues,
  path: Path,
  value: unknown,
  pattern: RegExp,
  what: string,
  { echo = true } = {},
): string | undefined {
  if (typeof value === 'string' && pattern.test(value)) return value;
  return issues.add(path, expected(what, { echo })(value));
}

export function isCalendarDate(value: string): boolean {
  try {
    assertCalendarDate(value, 'date');
    return true;
  } catch {
    return false;
  }
}

/** The same rule `resolveEndpoints` applies to the env overrides: absolute http(s), no query or fragment. */
export function isBaseUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
  } catch {
    return false;
  }
}

const BASE_URL = 'an absolute http(s) URL without query or fragment';

/** A base URL without its trailing slashes: paths are appended as `${base}/oauth/...`. */
export function baseUrl(issues: Issues, path: Path, value: unknown): string | undefined {
  if (typeof value !== 'string' || !isBaseUrl(value)) return issues.add(path, expected(BASE_URL)(value));
  return value.replace(/\/+$/, '');
}

export function calendarDateString(issues: Issues, path: Path, value: unknown): string | undefined {
  if (typeof value !== 'string') return issues.add(path, expected('a yyyy-MM-dd date')(value));
  if (!isCalendarDate(value)) return issues.add(path, expected('a real yyyy-MM-dd calendar date')(value));
  return value;
}

/**
 * A decimal integer in an env variable: no sign, blanks, exponents or hex, which `Number()` would
 * take. Undefined when unset (the caller's default applies) or wrong (an issue is recorded).
 */
export function integerSetting(
  issues: Issues,
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const what = `an integer from ${min} to ${max}`;
  if (!/^\d{1,6}$/.test(value)) return issues.add([name], expected(what)(value));
  const number = Number(value);
  if (number < min || number > max) return issues.add([name], expected(what)(number));
  return number;
}
