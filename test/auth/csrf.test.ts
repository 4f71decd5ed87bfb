import { checkCsrf, CSRF_HEADER, csrfTokenFor } from '../../shared/auth/csrf';
import { KEY, OTHER_KEY } from './fixtures';

const SESSION = '0123456789abcdef0123456789abcdef';
const OTHER_SESSION = 'fedcba9876543210fedcba9876543210';

describe('CSRF tokens', () => {
  it('are 43 base64url characters, stable per session and different across sessions and keys', () => {
    const token = csrfTokenFor(KEY, SESSION);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(csrfTokenFor(KEY, SESSION)).toBe(token);
    expect(csrfTokenFor(KEY, OTHER_SESSION)).not.toBe(token);
    expect(csrfTokenFor(OTHER_KEY, SESSION)).not.toBe(token);
  });

  it('names the header the page must send', () => {
    expect(CSRF_HEADER).toBe('X-CSRF-Token');
  });

  it('accepts the session’s own token', () => {
    expect(checkCsrf(KEY, SESSION, csrfTokenFor(KEY, SESSION))).toBe(true);
  });

  const right = csrfTokenFor(KEY, SESSION);
  it.each<[string, string | string[] | undefined]>([
    ['missing', undefined],
    ['empty', ''],
    ['another session’s token', csrfTokenFor(KEY, OTHER_SESSION)],
    ['a token from another key', csrfTokenFor(OTHER_KEY, SESSION)],
    ['one character changed', right.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))],
    ['truncated', right.slice(0, -1)],
    ['extended', `${right}A`],
    ['the same token twice (repeated header)', [right, right]],
    ['non-ASCII of the same length', right.replace(/^./, 'é')],
    ['the session id itself', SESSION],
  ])('refuses %s without throwing', (_name, value) => {
    expect(checkCsrf(KEY, SESSION, value)).toBe(false);
  });
});
