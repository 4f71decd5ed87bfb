import {
  TOKEN_EVENT_TYPES,
  type TokenEvent,
  isTokenEventType,
  parseTokenEvent,
  toWire,
} from '../../shared/ports/eventBus';

const AT = '2026-03-02T15:04:05.000Z';
const valid = {
  type: 'token.renewed',
  connectionId: 'prod',
  generation: 3,
  secretVersion: '12',
  expiresAt: '2026-03-03T05:00:00.000Z',
  at: AT,
};

describe('toWire', () => {
  it('keeps exactly the known fields, so a token spread into an event cannot be published', () => {
    const event = {
      ...valid,
      token: 'CANARY-TOKEN',
      secret: 'CANARY-SECRET',
      pair: { token: 'x' },
    } as TokenEvent;

    expect(toWire(event)).toEqual(valid);
    expect(JSON.stringify(toWire(event))).not.toContain('CANARY');
  });

  it('omits optional fields that are undefined instead of sending null or "undefined"', () => {
    const wire = toWire({
      type: 'token.expired',
      connectionId: 'prod',
      generation: 0,
      secretVersion: undefined,
      at: AT,
    });

    expect(wire).toEqual({ type: 'token.expired', connectionId: 'prod', generation: 0, at: AT });
    expect(Object.keys(wire)).not.toContain('secretVersion');
  });

  it('does not mutate the event', () => {
    const event = Object.freeze({ ...valid, extra: 1 }) as unknown as TokenEvent;

    expect(() => toWire(event)).not.toThrow();
  });
});

describe('parseTokenEvent', () => {
  it.each(TOKEN_EVENT_TYPES)('round-trips a %s event through JSON', (type) => {
    const event: TokenEvent = { ...(valid as TokenEvent), type };

    expect(parseTokenEvent(JSON.parse(JSON.stringify(toWire(event))))).toEqual(event);
  });

  it('accepts an event without the optional fields', () => {
    expect(parseTokenEvent({ type: 'token.revoked', connectionId: 'ira', generation: 0, at: AT })).toEqual({
      type: 'token.revoked',
      connectionId: 'ira',
      generation: 0,
      at: AT,
    });
  });

  it('drops unknown fields of untrusted data', () => {
    const parsed = parseTokenEvent({ ...valid, token: 'CANARY-TOKEN' });

    expect(Object.keys(parsed).sort()).toEqual(
      ['at', 'connectionId', 'expiresAt', 'generation', 'secretVersion', 'type'].sort(),
    );
  });

  it.each([null, undefined, 'token.renewed', 42, true])('refuses non-object data %p', (data) => {
    expect(() => parseTokenEvent(data)).toThrow(new TypeError('event must be a JSON object'));
  });

  it.each([
    ['type', { type: 'token.stolen' }],
    ['type', { type: undefined }],
    ['type', { type: 'TOKEN.RENEWED' }],
    ['connectionId', { connectionId: '' }],
    ['connectionId', { connectionId: 7 }],
    ['connectionId', { connectionId: undefined }],
    ['generation', { generation: -1 }],
    ['generation', { generation: 1.5 }],
    ['generation', { generation: '3' }],
    ['generation', { generation: Number.NaN }],
    ['generation', { generation: undefined }],
    ['secretVersion', { secretVersion: 12 }],
    ['secretVersion', { secretVersion: null }],
    ['expiresAt', { expiresAt: 1_700_000_000_000 }],
    ['expiresAt', { expiresAt: 'tomorrow' }],
    ['at', { at: 'yesterday' }],
    ['at', { at: 'March 2, 2026' }],
    ['at', { at: '2026-03-02' }],
    ['at', { at: 1_700_000_000_000 }],
    ['at', { at: undefined }],
  ])('refuses a bad %s (%p) with a TypeError naming the field', (field, bad) => {
    const attempt = () => parseTokenEvent({ ...valid, ...bad });

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(`event.${field} `);
  });

  it('names the first bad field when several are bad', () => {
    expect(() => parseTokenEvent({ ...valid, connectionId: '', at: 'never' })).toThrow('event.connectionId');
  });
});

test('isTokenEventType accepts exactly the declared types', () => {
  for (const type of TOKEN_EVENT_TYPES) expect(isTokenEventType(type)).toBe(true);
  for (const other of ['token', 'token.renewed ', '', undefined, 1])
    expect(isTokenEventType(other)).toBe(false);
});
