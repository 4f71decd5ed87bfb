/**
 * Reads one cookie out of a request's Cookie header(s). Written by hand rather than with a library
 * because the rule that matters is security, not leniency: a name that appears twice is refused, since
 * the second copy can come from a sibling subdomain or an older path-scoped cookie planted by an
 * attacker ("cookie tossing"), and no rule for which copy wins is safe.
 */

export type CookieLookup =
  | { readonly found: 'none' }
  | { readonly found: 'one'; readonly value: string }
  /** Duplicate name, or a header no browser would send: never fall back to either copy. */
  | { readonly found: 'refused'; readonly reason: 'duplicate' | 'too_long' };

/** Browsers cap a Cookie header near 8 KiB; anything far beyond is not a browser and is refused. */
export const MAX_COOKIE_HEADER_LENGTH = 16 * 1024;

/**
 * `header` is the raw header: a string, or several (HTTP/2 may split cookies into separate header
 * fields, which RFC 9113 §8.2.3 says to join with "; ").
 */
export function findCookie(header: string | readonly string[] | undefined, name: string): CookieLookup {
  const joined = typeof header === 'string' ? header : header === undefined ? '' : header.join('; ');
  if (joined.length > MAX_COOKIE_HEADER_LENGTH) return { found: 'refused', reason: 'too_long' };
  let value: string | undefined;
  for (const pair of joined.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue; // a nameless crumb: not ours
    // Names are case-sensitive (RFC 6265): `__host-etrade_session` is someone else's cookie.
    if (pair.slice(0, eq).trim() !== name) continue;
    if (value !== undefined) return { found: 'refused', reason: 'duplicate' };
    value = pair.slice(eq + 1).trim();
  }
  return value === undefined ? { found: 'none' } : { found: 'one', value };
}
