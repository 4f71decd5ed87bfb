/**
 * RFC 3986 / RFC 5849 §3.6 percent-encoding, written byte by byte on purpose: the simulator must
 * not share code (or `encodeURIComponent` quirks such as leaving `!*'()` alone) with the signer it
 * is meant to catch.
 */

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/** Every byte of the UTF-8 form except the unreserved set becomes `%XX` with uppercase hex. */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += isUnreserved(byte)
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** What a correctly encoded Authorization header value may contain (RFC 5849 §3.5.1). */
const STRICTLY_ENCODED = /^(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})*$/;

export function isStrictlyEncoded(raw: string): boolean {
  return STRICTLY_ENCODED.test(raw);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`, the form-urlencoded rule RFC 5849
 * §3.4.1.3.1 applies to query and body). Returns undefined for a broken escape or invalid UTF-8,
 * which callers turn into `parameter_rejected` rather than guessing.
 */
export function percentDecode(raw: string, plusIsSpace: boolean): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (ch === '+' && plusIsSpace) {
      bytes.push(0x20);
    } else {
      const code = raw.codePointAt(i) ?? 0;
      if (code > 0xffff) i++; // the second half of a surrogate pair is part of this character
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Splits `application/x-www-form-urlencoded` text into decoded name/value pairs, keeping order
 * and repeats. Empty pieces (`a=1&&b=2`) carry no parameter and are skipped.
 */
export function parseForm(raw: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = percentDecode(eq < 0 ? piece : piece.slice(0, eq), true);
    const value = eq < 0 ? '' : percentDecode(piece.slice(eq + 1), true);
    if (name === undefined || value === undefined) return undefined;
    pairs.push([name, value]);
  }
  return pairs;
}
