import { hmacsign } from 'oauth-sign';
import { OAuthSigner, Params } from '../../shared/oauth1/signer';
import { pick, randomBase64, seededRandom } from '../support/random';

// Every character class the issue names: spaces, +, !*'(), ~, %, =, &, unicode, plus the
// base64 alphabet and a few URL delimiters.
const PIECES = [
  ' ',
  '+',
  '!',
  '*',
  "'",
  '(',
  ')',
  '~',
  '%',
  '=',
  '&',
  'é',
  '日',
  '😀',
  '/',
  '?',
  '#',
  'a',
  'Z',
  '9',
  '-',
  '.',
  '_',
];
const CASES = 2000;

function randomText(random: () => number, min: number, max: number): string {
  const length = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length }, () => pick(random, PIECES)).join('');
}

function randomParams(random: () => number): Params {
  const pairs: [string, string][] = [];
  const count = Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    // One time in four, repeat an earlier name so repeated keys are sorted by value.
    const name = pairs.length > 0 && random() < 0.25 ? pick(random, pairs)[0] : randomText(random, 1, 8);
    const value = random() < 0.15 ? '' : randomText(random, 0, 12);
    pairs.push([name, value]);
  }
  return pairs;
}

/** The same request in oauth-sign's shape: one object, repeated names as arrays. */
function asObject(pairs: Params): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const existing = object[name];
    object[name] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  }
  return object;
}

describe('signer agrees with oauth-sign, an independent implementation', () => {
  it(`on ${CASES} generated parameter sets`, () => {
    const random = seededRandom(20261125);
    const disagreements: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const consumer = { key: randomBase64(random, 12), secret: randomBase64(random, 24) };
      const token =
        random() < 0.8 ? { token: randomBase64(random, 32), secret: randomBase64(random, 32) } : undefined;
      const method = pick(random, ['GET', 'POST', 'get', 'DELETE'] as const);
      const query = randomParams(random);
      const form = method.toUpperCase() === 'POST' ? randomParams(random) : [];
      const callback = random() < 0.2 ? pick(random, ['oob', 'https://example.com/cb?a=b c']) : undefined;
      const verifier = random() < 0.2 ? randomText(random, 5, 5) : undefined;
      const signer = new OAuthSigner({
        consumer,
        clock: () => 1_764_000_000_000 + i * 1000,
        includeVersion: random() < 0.5,
      });
      const url = `https://${pick(random, ['api.etrade.com', 'apisb.etrade.com', 'Example.COM:8443'])}/v1/${pick(random, ['accounts/list', 'accounts/abc-_~/balance', ''])}`;

      const signed = signer.sign({ method, url, query, form, token, callback, verifier });
      const { oauth_signature: signature, ...protocol } = signed.oauthParams;
      const expected = hmacsign(
        method,
        url.replace('Example.COM', 'example.com'),
        asObject([...query, ...form, ...Object.entries(protocol)]),
        consumer.secret,
        token?.secret ?? '',
      );
      if (signature !== expected)
        disagreements.push(`case ${i}: ${JSON.stringify({ method, url, query, form })}`);
    }
    expect(disagreements).toEqual([]);
  });
});
