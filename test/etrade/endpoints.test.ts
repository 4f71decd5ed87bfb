import { DEFAULT_ENDPOINTS, resolveEndpoints } from '../../shared/etrade/endpoints';

describe('resolveEndpoints', () => {
  it("uses E*TRADE's documented hosts by default", () => {
    expect(resolveEndpoints('prod', 'prod', {})).toEqual({
      oauthBase: 'https://api.etrade.com',
      apiBase: 'https://api.etrade.com',
      authorizeBase: 'https://us.etrade.com/e/t/etws/authorize',
    });
    expect(resolveEndpoints('sandbox', 'sandbox', {}).apiBase).toBe('https://apisb.etrade.com');
    expect(resolveEndpoints('sandbox', 'sandbox', {}).oauthBase).toBe('https://api.etrade.com');
  });

  it('lets the environment point every connection, or one, at another server', () => {
    const env = {
      ETRADE_OAUTH_BASE: 'http://127.0.0.1:9000/',
      ETRADE_API_BASE: 'http://127.0.0.1:9000',
      ETRADE_SANDBOX_API_BASE: 'https://apisb.etrade.com/',
      ETRADE_IRA_2_AUTHORIZE_BASE: 'http://127.0.0.1:9000/e/t/etws/authorize',
    };
    expect(resolveEndpoints('prod', 'prod', env)).toEqual({
      oauthBase: 'http://127.0.0.1:9000',
      apiBase: 'http://127.0.0.1:9000',
      authorizeBase: DEFAULT_ENDPOINTS.prod.authorizeBase,
    });
    expect(resolveEndpoints('sandbox', 'sandbox', env).apiBase).toBe('https://apisb.etrade.com');
    expect(resolveEndpoints('prod', 'ira-2', env).authorizeBase).toBe(
      'http://127.0.0.1:9000/e/t/etws/authorize',
    );
  });

  it.each([
    ['not a url', /ETRADE_API_BASE must be an absolute http\(s\) URL/],
    ['ftp://x', /ETRADE_API_BASE must be an http\(s\) URL/],
    ['https://api.etrade.com/?x=1', /must not carry a query/],
  ])('refuses %s, naming the variable', (value, message) => {
    expect(() => resolveEndpoints('prod', 'prod', { ETRADE_API_BASE: value })).toThrow(message);
  });
});
