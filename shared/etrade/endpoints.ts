/** Where one connection's calls go. All three are settings so the suite can point at any server. */
export interface EtradeEndpoints {
  readonly oauthBase: string;
  readonly apiBase: string;
  readonly authorizeBase: string;
}

export const ETRADE_ENVIRONMENTS = ['prod', 'sandbox'] as const;
export type EtradeEnvironment = (typeof ETRADE_ENVIRONMENTS)[number];

const AUTHORIZE = 'https://us.etrade.com/e/t/etws/authorize';

/**
 * E*TRADE's own sample client signs the OAuth steps against api.etrade.com even with sandbox keys;
 * sandbox data lives on apisb.etrade.com.
 */
export const DEFAULT_ENDPOINTS: Readonly<Record<EtradeEnvironment, EtradeEndpoints>> = {
  prod: { oauthBase: 'https://api.etrade.com', apiBase: 'https://api.etrade.com', authorizeBase: AUTHORIZE },
  sandbox: {
    oauthBase: 'https://api.etrade.com',
    apiBase: 'https://apisb.etrade.com',
    authorizeBase: AUTHORIZE,
  },
};

const SETTINGS = [
  ['oauthBase', 'OAUTH_BASE'],
  ['apiBase', 'API_BASE'],
  ['authorizeBase', 'AUTHORIZE_BASE'],
] as const;

/**
 * The environment's defaults, overridden by `ETRADE_OAUTH_BASE`-style variables for every
 * connection and `ETRADE_<CONNECTION>_OAUTH_BASE` for one (connection id upper-cased, `-` → `_`).
 */
export function resolveEndpoints(
  environment: EtradeEnvironment,
  connectionId: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): EtradeEndpoints {
  const prefix = `ETRADE_${connectionId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
  const resolved = { ...DEFAULT_ENDPOINTS[environment] };
  for (const [field, suffix] of SETTINGS) {
    const name = env[`${prefix}${suffix}`] !== undefined ? `${prefix}${suffix}` : `ETRADE_${suffix}`;
    const value = env[name];
    if (value !== undefined) resolved[field] = assertBaseUrl(value, name);
  }
  return resolved;
}

function assertBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (url.search || url.hash) throw new TypeError(`${name} must not carry a query or fragment`);
  return value.replace(/\/+$/, '');
}
