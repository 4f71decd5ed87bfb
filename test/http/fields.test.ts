import { AppError } from '../../shared/app/errors';
import { optionalString, requireBoolean, requireOneOf, requireString } from '../../shared/http';

const pinRule = { maxLength: 5, minLength: 5, pattern: /^[A-Z0-9]{5}$/g };

function failure(check: () => unknown): { code: string; message: string; details: unknown } {
  try {
    check();
  } catch (error) {
    if (error instanceof AppError)
      return { code: error.code, message: error.message, details: error.details };
  }
  throw new Error('expected an AppError');
}

describe('requireString', () => {
  it('returns the value when it passes every rule, call after call with a /g pattern', () => {
    expect(requireString({ pin: 'H92GX' }, 'pin', pinRule)).toBe('H92GX');
    expect(requireString({ pin: 'H92GX' }, 'pin', pinRule)).toBe('H92GX');
  });

  it.each([
    ['absent', {}, 'pin is required'],
    ['no body at all', undefined, 'pin is required'],
    ['null', { pin: null }, 'pin must be a string'],
    ['a number', { pin: 12345 }, 'pin must be a string'],
    ['an array', { pin: ['H92GX'] }, 'pin must be a string'],
    ['too long', { pin: 'H92GXX' }, 'pin must be at most 5 characters'],
    ['too short', { pin: 'H92' }, 'pin must be at least 5 characters'],
    ['the wrong shape', { pin: 'h92g!' }, 'pin is not in the expected format'],
  ])('refuses %s, naming the field and never the value', (_name, source, message) => {
    expect(failure(() => requireString(source, 'pin', pinRule))).toEqual({
      code: 'ERR_BAD_REQUEST',
      message,
      details: { field: 'pin' },
    });
  });

  it('reads own properties only', () => {
    expect(failure(() => requireString({}, 'constructor', { maxLength: 100 })).message).toBe(
      'constructor is required',
    );
    const parsed = JSON.parse('{"__proto__":"H92GX"}') as unknown;
    expect(requireString(parsed, '__proto__', pinRule)).toBe('H92GX');
  });
});

describe('the other checks', () => {
  it('optionalString lets an absent field go', () => {
    expect(optionalString({}, 'note', { maxLength: 10 })).toBeUndefined();
    expect(failure(() => optionalString({ note: 1 }, 'note', { maxLength: 10 })).message).toBe(
      'note must be a string',
    );
  });

  it('requireOneOf accepts only the closed set and does not list it back', () => {
    const connections = ['live', 'sandbox'] as const;
    expect(requireOneOf({ connection: 'live' }, 'connection', connections)).toBe('live');
    expect(failure(() => requireOneOf({ connection: 'other' }, 'connection', connections)).message).toBe(
      'connection is not an accepted value',
    );
  });

  it('requireBoolean wants a real boolean', () => {
    expect(requireBoolean({ confirm: false }, 'confirm')).toBe(false);
    expect(failure(() => requireBoolean({ confirm: 'true' }, 'confirm')).message).toBe(
      'confirm must be true or false',
    );
  });
});
