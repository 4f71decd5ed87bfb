import { normaliseVerifier } from '../../shared/etrade/verifier';

describe('normaliseVerifier', () => {
  it.each([
    ['H92GX', 'H92GX'],
    ['  h92gx\n', 'H92GX'],
    ['6E008', '6E008'],
  ])('accepts %j as %s', (input, expected) => {
    expect(normaliseVerifier(input)).toBe(expected);
  });

  it.each(['', 'H92G', 'H92GXX', 'H9 2G', 'H92G!', 'ÉÉÉÉÉ', 12345, null, undefined, { pin: 'H92GX' }])(
    'refuses %j with a message that says what a PIN looks like',
    (input) => {
      expect(() => normaliseVerifier(input)).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_VERIFIER',
          message: expect.stringContaining('5 letters or digits'),
        }),
      );
    },
  );
});
