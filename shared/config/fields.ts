import { z } from 'zod';

import { assertCalendarDate } from '../time/calendarDate';

/**
 * Field schemas shared by the connection list and the base settings. Each error message says what
 * was expected and what was given, so the path plus the message is enough to fix the deploy.
 */

const SHOWN_CHARS = 60;

/** The bad value as it would be typed, shortened; only used for fields that never hold secrets. */
export function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/** An error callback: "required" for a missing value, else `expected …, got <value>`. */
export function expected(what: string, { echo = true } = {}) {
  return (issue: { input?: unknown }): string => {
    if (issue.input === undefined) return 'required';
    return echo ? `expected ${what}, got ${show(issue.input)}` : `expected ${what}`;
  };
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
export const baseUrl = z
  .string({ error: expected(BASE_URL) })
  .refine(isBaseUrl, { error: expected(BASE_URL) })
  // Paths are appended as `${base}/oauth/...`: a trailing slash would double up.
  .transform((value) => value.replace(/\/+$/, ''));

export const calendarDateString = z
  .string({ error: expected('a yyyy-MM-dd date') })
  .refine(isCalendarDate, { error: expected('a real yyyy-MM-dd calendar date') });

/** A decimal integer in an env variable: no sign, blanks, exponents or hex, which `Number()` would take. */
export function integerSetting(min: number, max: number) {
  const what = `an integer from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,6}$/, { error: expected(what) })
    .pipe(
      z.coerce
        .number<string>()
        .int()
        .min(min, { error: expected(what) })
        .max(max, { error: expected(what) }),
    );
}
