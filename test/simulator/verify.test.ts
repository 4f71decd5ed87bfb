import { createHmac } from 'node:crypto';
import { parseAuthorization } from '../../shared/simulator/authHeader';
import { percentDecode, percentEncode } from '../../shared/simulator/encoding';
import { RawRequest, baseStringUri, hmacSha1, signatureBaseString } from '../../shared/simulator/verify';

// The simulator's verifier against the published vectors in ETRADE.md, so a disagreement with the
// project signer can be blamed on the right side.
interface Vector {
  name: string;
  request: RawRequest;
  consumerSecret: string;
  tokenSecret: string;
  oauth: Record<string, string>;
  signature: string;
}

const VECTORS: Vector[] = [
  {
    name: 'A. E*TRADE developer guide',
    request: {
      method: 'GET',
      scheme: 'https',
      host: 'api.etrade.com',
      target: '/v1/accounts/list',
      body: '',
    },
    consumerSecret: '7d30246211192cda43ede3abd9b393b9',
    tokenSecret: 'XCF9RzyQr4UEPloA+WlC06BnTfYC1P0Fwr3GUw/B0Es=',
    oauth: {
      oauth_consumer_key: 'c5bb4dcb7bd6826c7c4340df3f791188',
      oauth_token: 'VbiNYl63EejjlKdQM6FeENzcnrLACrZ2JYD6NQROfVI=',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '1344885636',
      oauth_nonce: '0bba225a40d1bbac2430aa0c6163ce44',
    },
    signature: 'UOnPVdzExTAgHkcGWLLfeTaaMSM=',
  },
  {
    name: 'B. OAuth Core 1.0 appendix A.5',
    request: {
      method: 'GET',
      scheme: 'http',
      host: 'photos.example.net',
      target: '/photos?file=vacation.jpg&size=original',
      body: '',
    },
    consumerSecret: 'kd94hf93k423kf44',
    tokenSecret: 'pfkkdhi9sl3r4s00',
    oauth: {
      oauth_consumer_key: 'dpf43f3p2l4k3l03',
      oauth_token: 'nnch734d00sl2jdk',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '1191242096',
      oauth_nonce: 'kllo9940pd9333jh',
      oauth_version: '1.0',
    },
    signature: 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=',
  },
  {
    name: 'C. RFC 5849 §3.4.1.1 with erratum 2550',
    request: {
      method: 'POST',
      scheme: 'http',
      host: 'example.com',
      target: '/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      contentType: 'application/x-www-form-urlencoded',
      body: 'c2&a3=2+q',
    },
    consumerSecret: 'j49sk3j29djd',
    tokenSecret: 'dh893hdasih9',
    oauth: {
      oauth_consumer_key: '9djdj82h48djs9d2',
      oauth_token: 'kkk9d7dh3k39sjv7',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131201',
      oauth_nonce: '7d8f3e4a',
    },
    signature: 'r6/TJjbCOr97/+UU0NsvSne7s5g=',
  },
  {
    name: 'D. RFC 5849 §1.2 initiate',
    request: { method: 'POST', scheme: 'https', host: 'photos.example.net', target: '/initiate', body: '' },
    consumerSecret: 'kd94hf93k423kf44',
    tokenSecret: '',
    oauth: {
      oauth_consumer_key: 'dpf43f3p2l4k3l03',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131200',
      oauth_nonce: 'wIjqoS',
      oauth_callback: 'http://printer.example.com/ready',
    },
    signature: '74KNZJeDHnMBp0EMJ9ZHt/XKycU=',
  },
  {
    name: 'E. Twitter docs (query + form body with spaces, + and !)',
    request: {
      method: 'POST',
      scheme: 'https',
      host: 'api.twitter.com',
      target: '/1.1/statuses/update.json?include_entities=true',
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      body: 'status=Hello+Ladies+%2B+Gentlemen%2C+a+signed+OAuth+request%21',
    },
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
    oauth: {
      oauth_consumer_key: 'xvz1evFS4wEEPTGEFPHBog',
      oauth_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '1318622958',
      oauth_nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
      oauth_version: '1.0',
    },
    signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=',
  },
];

describe('signature base string and HMAC-SHA1 (vectors from ETRADE.md)', () => {
  it.each(VECTORS)('$name', ({ request, consumerSecret, tokenSecret, oauth, signature }) => {
    const base = signatureBaseString(request, new Map(Object.entries(oauth)));
    expect(hmacSha1(base, consumerSecret, tokenSecret)).toBe(signature);
  });

  it('A with oauth_version=1.0 and with unencoded secrets in the key', () => {
    const [a] = VECTORS;
    const withVersion = new Map(Object.entries({ ...a.oauth, oauth_version: '1.0' }));
    expect(hmacSha1(signatureBaseString(a.request, withVersion), a.consumerSecret, a.tokenSecret)).toBe(
      'gZLKg/AOvv4+r1+EBLWKdVUVBC0=',
    );
    const base = signatureBaseString(a.request, new Map(Object.entries(a.oauth)));
    const raw = createHmac('sha1', `${a.consumerSecret}&${a.tokenSecret}`);
    expect(raw.update(base).digest('base64')).toBe('pXblwU+H+2wTeoXWnfMdvO9GuJY=');
    expect(hmacSha1(base, a.consumerSecret, a.tokenSecret)).not.toBe('pXblwU+H+2wTeoXWnfMdvO9GuJY=');
  });

  it('signs a body only when it is form-encoded', () => {
    const [, , c] = VECTORS;
    const json = { ...c.request, contentType: 'application/json', body: '{"a3":"x"}' };
    const noBody = { ...c.request, contentType: undefined, body: '' };
    const oauth = new Map(Object.entries(c.oauth));
    expect(signatureBaseString(json, oauth)).toBe(signatureBaseString(noBody, oauth));
  });

  it('normalises the base string URI', () => {
    expect(baseStringUri({ scheme: 'http', host: 'EXAMPLE.com:80', target: '/A/b?c=d' })).toBe(
      'http://example.com/A/b',
    );
    expect(baseStringUri({ scheme: 'http', host: '127.0.0.1:8080', target: '/x' })).toBe(
      'http://127.0.0.1:8080/x',
    );
    expect(baseStringUri({ scheme: 'https', host: 'api.etrade.com:443', target: '' })).toBe(
      'https://api.etrade.com/',
    );
  });
});

describe('percent-encoding', () => {
  it('keeps only unreserved characters and encodes UTF-8 bytes in uppercase hex', () => {
    expect(percentEncode("AZaz09-._~ !*'()+/=%&é😀")).toBe(
      'AZaz09-._~%20%21%2A%27%28%29%2B%2F%3D%25%26%C3%A9%F0%9F%98%80',
    );
  });

  it('decodes strictly: + only in forms, broken escapes and invalid UTF-8 refused', () => {
    expect(percentDecode('a+b%2B', true)).toBe('a b+');
    expect(percentDecode('a+b', false)).toBe('a+b');
    expect(percentDecode('%zz', true)).toBeUndefined();
    expect(percentDecode('%C3', true)).toBeUndefined();
  });
});

describe('Authorization header parsing', () => {
  it('decodes values, drops realm, tolerates spaces after commas', () => {
    const params = parseAuthorization(
      'OAuth realm="Photos", oauth_consumer_key="a%2Bb%3D",  oauth_nonce="n"',
    );
    expect([...params]).toEqual([
      ['oauth_consumer_key', 'a+b='],
      ['oauth_nonce', 'n'],
    ]);
  });

  it.each([
    ['no scheme', 'parameter_absent', 'oauth_nonce="n"'],
    ['other scheme', 'parameter_absent', 'Basic abc'],
    ['duplicate', 'parameter_rejected', 'OAuth oauth_nonce="a",oauth_nonce="b"'],
    ['unquoted', 'parameter_rejected', 'OAuth oauth_nonce=a'],
    ['raw +', 'parameter_rejected', 'OAuth oauth_signature="ab+c="'],
    ['unknown oauth_ name', 'parameter_rejected', 'OAuth oauth_foo="x"'],
    ['non-oauth name', 'parameter_rejected', 'OAuth status="x"'],
    ['trailing comma', 'parameter_rejected', 'OAuth oauth_nonce="a",'],
  ])('%s → %s', (_, problem, header) => {
    expect(() => parseAuthorization(header)).toThrow(expect.objectContaining({ problem }));
  });
});
