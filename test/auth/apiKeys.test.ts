import { createHash } from 'node:crypto';

import { checkApiKey, generateApiKey } from '../../shared/auth/apiKeys';

const { apiKey, hash } = generateApiKey();

describe('generateApiKey', () => {
  it('makes an eto_-prefixed 32-byte base64url key and its sha256 hex', () => {
    expect(apiKey).toMatch(/^eto_[\w-]{43}$/);
    expect(hash).toBe(createHash('sha256').update(apiKey).digest('hex'));
    expect(generateApiKey().apiKey).not.toBe(apiKey);
  });
});

describe('checkApiKey', () => {
  it('accepts the key as a bearer credential', () => {
    expect(checkApiKey(`Bearer ${apiKey}`, hash)).toBe(true);
  });

  // The scheme is case-insensitive (RFC 9110 §11.1) and RFC 6750 allows 1*SP before the token;
  // Node trims the value's outer whitespace itself, so accepting it here changes nothing.
  it.each([`bearer ${apiKey}`, `BEARER ${apiKey}`, `Bearer   ${apiKey}`, ` Bearer ${apiKey} `])(
    'accepts the tolerated spelling %j',
    (header) => {
      expect(checkApiKey(header, hash)).toBe(true);
    },
  );

  it('accepts a stored hash in upper case', () => {
    expect(checkApiKey(`Bearer ${apiKey}`, hash.toUpperCase())).toBe(true);
  });

  it.each<[string, string | string[] | undefined]>([
    ['absent', undefined],
    ['empty', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['the key without a scheme', apiKey],
    ['another scheme', `Basic ${apiKey}`],
    ['a tab instead of a space', `Bearer\t${apiKey}`],
    ['no space', `Bearer${apiKey}`],
    ['a wrong key', `Bearer ${generateApiKey().apiKey}`],
    ['the key with a character changed', `Bearer ${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`],
    ['the key with a suffix', `Bearer ${apiKey}x`],
    ['two tokens', `Bearer ${apiKey} ${apiKey}`],
    ['non-ASCII', `Bearer ${apiKey}é`],
    ['a non-ASCII key alone', 'Bearer ключ'],
    ['the stored hash itself', `Bearer ${hash}`],
    ['a huge header', `Bearer ${'A'.repeat(100_000)}`],
    ['a repeated header', [`Bearer ${apiKey}`, `Bearer ${apiKey}`]],
  ])('refuses %s', (_name, header) => {
    expect(checkApiKey(header, hash)).toBe(false);
  });

  it.each<[string, string | undefined]>([
    ['absent', undefined],
    ['empty', ''],
    ['not hex', 'z'.repeat(64)],
    ['too short', hash.slice(0, 62)],
    ['too long', `${hash}00`],
    ['odd length', hash.slice(0, 63)],
  ])('refuses everything, without throwing, when the stored hash is %s', (_name, stored) => {
    expect(checkApiKey(`Bearer ${apiKey}`, stored)).toBe(false);
  });
});
