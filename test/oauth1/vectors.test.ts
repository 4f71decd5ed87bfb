import { OAuthSigner, SignRequest } from '../../shared/oauth1/signer';

interface Vector {
  name: string;
  consumer: { key: string; secret: string };
  timestamp: number;
  nonce: string;
  includeVersion: boolean;
  request: SignRequest;
  signature: string;
}

// ../shared/ETRADE.md, "Signature test vectors".
const VECTORS: Vector[] = [
  {
    name: 'A: E*TRADE developer guide, accounts list without oauth_version',
    consumer: { key: 'c5bb4dcb7bd6826c7c4340df3f791188', secret: '7d30246211192cda43ede3abd9b393b9' },
    timestamp: 1344885636,
    nonce: '0bba225a40d1bbac2430aa0c6163ce44',
    includeVersion: false,
    request: {
      method: 'GET',
      url: 'https://api.etrade.com/v1/accounts/list',
      token: {
        token: 'VbiNYl63EejjlKdQM6FeENzcnrLACrZ2JYD6NQROfVI=',
        secret: 'XCF9RzyQr4UEPloA+WlC06BnTfYC1P0Fwr3GUw/B0Es=',
      },
    },
    signature: 'UOnPVdzExTAgHkcGWLLfeTaaMSM=',
  },
  {
    name: 'B: OAuth Core 1.0 appendix A.5',
    consumer: { key: 'dpf43f3p2l4k3l03', secret: 'kd94hf93k423kf44' },
    timestamp: 1191242096,
    nonce: 'kllo9940pd9333jh',
    includeVersion: true,
    request: {
      method: 'GET',
      url: 'http://photos.example.net/photos',
      query: [
        ['file', 'vacation.jpg'],
        ['size', 'original'],
      ],
      token: { token: 'nnch734d00sl2jdk', secret: 'pfkkdhi9sl3r4s00' },
    },
    signature: 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=',
  },
  {
    name: 'C: RFC 5849 §3.4.1.1 with erratum 2550 (repeated name across query and form)',
    consumer: { key: '9djdj82h48djs9d2', secret: 'j49sk3j29djd' },
    timestamp: 137131201,
    nonce: '7d8f3e4a',
    includeVersion: false,
    request: {
      method: 'POST',
      url: 'http://example.com/request',
      // b5=%3D%253D&a3=a&c%40=&a2=r%20b, decoded
      query: [
        ['b5', '=%3D'],
        ['a3', 'a'],
        ['c@', ''],
        ['a2', 'r b'],
      ],
      // c2&a3=2+q, decoded as a form
      form: [
        ['c2', ''],
        ['a3', '2 q'],
      ],
      token: { token: 'kkk9d7dh3k39sjv7', secret: 'dh893hdasih9' },
    },
    signature: 'r6/TJjbCOr97/+UU0NsvSne7s5g=',
  },
  {
    name: 'D: RFC 5849 §1.2 initiate with oauth_callback',
    consumer: { key: 'dpf43f3p2l4k3l03', secret: 'kd94hf93k423kf44' },
    timestamp: 137131200,
    nonce: 'wIjqoS',
    includeVersion: false,
    request: {
      method: 'POST',
      url: 'https://photos.example.net/initiate',
      callback: 'http://printer.example.com/ready',
    },
    signature: '74KNZJeDHnMBp0EMJ9ZHt/XKycU=',
  },
  {
    name: 'E: Twitter documentation, status update with spaces, + and !',
    consumer: { key: 'xvz1evFS4wEEPTGEFPHBog', secret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw' },
    timestamp: 1318622958,
    nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
    includeVersion: true,
    request: {
      method: 'post',
      url: 'https://api.twitter.com/1.1/statuses/update.json',
      query: [['include_entities', 'true']],
      form: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']],
      token: {
        token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
        secret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
      },
    },
    signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=',
  },
];

function signerFor(v: Vector, includeVersion = v.includeVersion): OAuthSigner {
  return new OAuthSigner({
    consumer: v.consumer,
    clock: () => v.timestamp * 1000,
    nonce: () => v.nonce,
    includeVersion,
  });
}

describe('signer reproduces the published vectors', () => {
  it.each(VECTORS.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(signerFor(v).sign(v.request).oauthParams.oauth_signature).toBe(v.signature);
  });

  it('A with oauth_version=1.0 gives the other published value', () => {
    expect(signerFor(VECTORS[0], true).sign(VECTORS[0].request).oauthParams.oauth_signature).toBe(
      'gZLKg/AOvv4+r1+EBLWKdVUVBC0=',
    );
  });

  it('never produces the answer of a key built from unencoded secrets (trap 3)', () => {
    expect(signerFor(VECTORS[0]).sign(VECTORS[0].request).oauthParams.oauth_signature).not.toBe(
      'pXblwU+H+2wTeoXWnfMdvO9GuJY=',
    );
  });
});

describe('signed request shape', () => {
  const a = VECTORS[0];

  it('writes the E*TRADE header form: realm first, every value quoted and percent-encoded', () => {
    const { authorization } = signerFor(a).sign(a.request);
    expect(authorization).toBe(
      'OAuth realm="",oauth_consumer_key="c5bb4dcb7bd6826c7c4340df3f791188",' +
        'oauth_nonce="0bba225a40d1bbac2430aa0c6163ce44",oauth_signature="UOnPVdzExTAgHkcGWLLfeTaaMSM%3D",' +
        'oauth_signature_method="HMAC-SHA1",oauth_timestamp="1344885636",' +
        'oauth_token="VbiNYl63EejjlKdQM6FeENzcnrLACrZ2JYD6NQROfVI%3D"',
    );
  });

  it('puts oauth_callback and oauth_verifier in the header, not the query (trap 2)', () => {
    const signed = signerFor(a).sign({ ...a.request, callback: 'oob', verifier: 'H92GX' });
    expect(signed.authorization).toContain('oauth_callback="oob"');
    expect(signed.authorization).toContain('oauth_verifier="H92GX"');
    expect(signed.url).toBe('https://api.etrade.com/v1/accounts/list');
  });

  it('encodes the query it signed, so a space never travels as +', () => {
    const c = VECTORS[2];
    const signed = signerFor(c).sign(c.request);
    expect(signed.url).toBe('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
    expect(signed.body).toBe('c2=&a3=2%20q');
  });

  it('normalises the base URI: scheme and host lowercased, default port dropped', () => {
    const upper = signerFor(a).sign({ ...a.request, url: 'HTTPS://API.ETRADE.COM:443/v1/accounts/list' });
    expect(upper.oauthParams.oauth_signature).toBe(a.signature);
    expect(upper.url).toBe('https://api.etrade.com/v1/accounts/list');
  });

  it('refuses a URL with a pre-built query string (trap 1)', () => {
    expect(() => signerFor(a).sign({ method: 'GET', url: 'https://api.etrade.com/x?a=b+c' })).toThrow(
      /must not carry a query string/,
    );
  });

  it('does not mutate the parameters it is given (trap 6)', () => {
    const query = [['b', '1']] as const;
    const copy = JSON.stringify(query);
    signerFor(a).sign({ ...a.request, query: [...query] });
    expect(JSON.stringify(query)).toBe(copy);
  });

  it('uses a fresh crypto-random nonce and the injected clock by default', () => {
    const signer = new OAuthSigner({ consumer: a.consumer, clock: () => 1_700_000_000_999 });
    const first = signer.sign(a.request).oauthParams;
    const second = signer.sign(a.request).oauthParams;
    expect(first.oauth_nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(first.oauth_nonce).not.toBe(second.oauth_nonce);
    expect(first.oauth_timestamp).toBe('1700000000');
  });
});
