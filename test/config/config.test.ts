import { DEFAULT_ENDPOINTS } from '../../shared/etrade/endpoints';
import { ConfigError, loadConfig } from '../../shared/config';

const connections = (list: unknown[]): Record<string, string> => ({
  ETRADE_CONNECTIONS: JSON.stringify(list),
});

/** Runs loadConfig expecting a ConfigError, and returns it for assertions on message and issues. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid configuration');
}

describe('loadConfig defaults', () => {
  it('has a Live and a Sandbox connection on E*TRADE hosts, and the base settings', () => {
    expect(loadConfig({})).toEqual({
      connections: [
        {
          id: 'prod',
          environment: 'prod',
          label: 'Live',
          consumerSecretId: 'etrade-oauth-prod-consumer',
          endpoints: DEFAULT_ENDPOINTS.prod,
        },
        {
          id: 'sandbox',
          environment: 'sandbox',
          label: 'Sandbox',
          consumerSecretId: 'etrade-oauth-sandbox-consumer',
          endpoints: DEFAULT_ENDPOINTS.sandbox,
        },
      ],
      keepAliveLeadMinutes: 90,
      statusMaxAgeMs: 0,
      timeZone: 'America/New_York',
      tokenEventsTopic: 'etrade-oauth-token-events',
      useGcp: false,
      warmUp: false,
      telegramApiRoot: 'https://api.telegram.org',
      slackEnabled: false,
    });
  });

  it('reads process.env when given no environment', () => {
    // jest's workers carry the emulator project; nothing else here is set.
    expect(loadConfig().gcpProjectId).toBe(process.env.GOOGLE_CLOUD_PROJECT);
  });

  it('ignores variables it does not own', () => {
    expect(loadConfig({ PATH: '/bin', HOME: '/root', KEEPALIVE: 'x' })).toEqual(loadConfig({}));
  });

  it('returns a frozen config', () => {
    const config = loadConfig({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.connections)).toBe(true);
    expect(Object.isFrozen(config.connections[0])).toBe(true);
    expect(Object.isFrozen(config.connections[0].endpoints)).toBe(true);
  });
});

describe('base settings', () => {
  const gcp = { USE_GCP: '1', GOOGLE_CLOUD_PROJECT: 'my-trading-project' };

  it('reads every setting from the environment', () => {
    const config = loadConfig({
      KEEPALIVE_LEAD_MINUTES: '100',
      GOOGLE_CLOUD_PROJECT: 'my-trading-project',
      TOKEN_EVENTS_TOPIC: 'token-events-staging',
      USE_GCP: 'true',
    });

    expect(config).toMatchObject({
      keepAliveLeadMinutes: 100,
      gcpProjectId: 'my-trading-project',
      tokenEventsTopic: 'token-events-staging',
      useGcp: true,
    });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
    [undefined, false],
  ])('USE_GCP=%p → useGcp %p', (value, useGcp) => {
    expect(loadConfig({ USE_GCP: value, GCLOUD_PROJECT: 'my-trading-project' }).useGcp).toBe(useGcp);
  });

  it.each([
    ['1', true],
    ['0', false],
    [undefined, false],
  ])('WARM_UP=%p → warmUp %p; anything else is refused', (value, warmUp) => {
    expect(loadConfig({ WARM_UP: value }).warmUp).toBe(warmUp);
    expect(configError({ WARM_UP: 'yes' }).message).toContain('WARM_UP: expected "1" | "true"');
  });

  it('queues notices on NOTICES_TOPIC only when it is set', () => {
    expect(loadConfig({ NOTICES_TOPIC: 'etrade-oauth-notices' }).noticesTopic).toBe('etrade-oauth-notices');
    expect(loadConfig({})).not.toHaveProperty('noticesTopic');
  });

  it('takes the project from GCLOUD_PROJECT too, preferring GOOGLE_CLOUD_PROJECT', () => {
    expect(loadConfig({ GCLOUD_PROJECT: 'legacy-project' }).gcpProjectId).toBe('legacy-project');
    expect(
      loadConfig({ GOOGLE_CLOUD_PROJECT: 'first-project', GCLOUD_PROJECT: 'legacy-project' }).gcpProjectId,
    ).toBe('first-project');
    expect(loadConfig({}).gcpProjectId).toBeUndefined();
  });

  it.each(['1', '119', '90'])('accepts KEEPALIVE_LEAD_MINUTES=%s', (value) => {
    expect(loadConfig({ KEEPALIVE_LEAD_MINUTES: value }).keepAliveLeadMinutes).toBe(Number(value));
  });

  it.each([
    // Each would become NaN, 0 or a surprise number under parseInt/Number.
    ['abc', '"abc"'],
    ['', '""'],
    ['0', '0'],
    ['120', '120'],
    ['90.5', '"90.5"'],
    ['-5', '"-5"'],
    [' 90', '" 90"'],
    ['9e1', '"9e1"'],
    ['0x5a', '"0x5a"'],
    ['90min', '"90min"'],
  ])('refuses KEEPALIVE_LEAD_MINUTES=%p, naming it', (value, shown) => {
    expect(configError({ KEEPALIVE_LEAD_MINUTES: value }).message).toContain(
      `KEEPALIVE_LEAD_MINUTES: expected an integer from 1 to 119, got ${shown}`,
    );
  });

  it.each(['0', '1', '250', '1000'])(
    'accepts STATUS_MAX_AGE_MS=%s (0 = a ledger read per request)',
    (value) => {
      expect(loadConfig({ STATUS_MAX_AGE_MS: value }).statusMaxAgeMs).toBe(Number(value));
      expect(loadConfig({ STATUS_MAX_AGE_MS: value, ...gcp }).statusMaxAgeMs).toBe(Number(value));
    },
  );

  it('serves status from a snapshot of up to a second on Firestore, and reads the file ledger every time', () => {
    expect(loadConfig(gcp).statusMaxAgeMs).toBe(1000);
    expect(loadConfig({}).statusMaxAgeMs).toBe(0);
  });

  it.each([
    // Over a second a status answer stops being "now"; the rest would be NaN or a surprise under Number().
    ['1001', '1001'],
    ['60000', '60000'],
    ['-1', '"-1"'],
    ['', '""'],
    ['1s', '"1s"'],
    ['0.5', '"0.5"'],
    ['1e3', '"1e3"'],
  ])('refuses STATUS_MAX_AGE_MS=%p, naming it', (value, shown) => {
    expect(configError({ STATUS_MAX_AGE_MS: value }).message).toContain(
      `STATUS_MAX_AGE_MS: expected an integer from 0 to 1000, got ${shown}`,
    );
  });

  it.each(['yes', 'TRUE', '', 'on', '2'])('refuses USE_GCP=%p, naming it', (value) => {
    expect(configError({ USE_GCP: value, GOOGLE_CLOUD_PROJECT: 'my-trading-project' }).message).toContain(
      `USE_GCP: expected "1" | "true" | "0" | "false" or unset, got ${JSON.stringify(value)}`,
    );
  });

  it.each([
    ['GOOGLE_CLOUD_PROJECT', 'My Project'],
    ['GOOGLE_CLOUD_PROJECT', ''],
    ['GCLOUD_PROJECT', 'abc'],
    ['TOKEN_EVENTS_TOPIC', 'goog-events'],
    ['TOKEN_EVENTS_TOPIC', 'token events'],
    ['TOKEN_EVENTS_TOPIC', ''],
    ['NOTICES_TOPIC', 'goog-notices'],
    ['NOTICES_TOPIC', ''],
  ])('refuses %s=%p, naming it', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(`${name}: expected`);
  });

  it('requires a project when USE_GCP is on, naming GOOGLE_CLOUD_PROJECT', () => {
    const error = configError({ USE_GCP: '1' });

    expect(error).toMatchObject({ name: 'ConfigError', code: 'ERR_CONFIG' });
    expect(error.issues).toEqual([
      {
        path: 'GOOGLE_CLOUD_PROJECT',
        message: 'required when USE_GCP is on (GCLOUD_PROJECT is also accepted)',
      },
    ]);
    expect(error.message).toBe(
      'invalid configuration: GOOGLE_CLOUD_PROJECT: required when USE_GCP is on (GCLOUD_PROJECT is also accepted)',
    );
  });

  it('reports every issue at once, not just the first', () => {
    const error = configError({
      USE_GCP: 'true',
      KEEPALIVE_LEAD_MINUTES: 'x',
      ...connections([{ id: 'A' }]),
    });

    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      [
        'ETRADE_CONNECTIONS[0].environment',
        'ETRADE_CONNECTIONS[0].id',
        'GOOGLE_CLOUD_PROJECT',
        'KEEPALIVE_LEAD_MINUTES',
      ].sort(),
    );
  });
});

describe('connections from ETRADE_CONNECTIONS', () => {
  it('adds several connections by configuration only, after the defaults', () => {
    const config = loadConfig(
      connections([
        { id: 'ira', environment: 'prod', label: 'IRA', consumerKeyCreatedAt: '2024-05-17' },
        { id: 'joint-2', environment: 'prod' },
        { id: 'paper', environment: 'sandbox', consumerSecretId: 'shared-sandbox-consumer' },
      ]),
    );

    expect(config.connections.map((c) => c.id)).toEqual(['prod', 'sandbox', 'ira', 'joint-2', 'paper']);
    expect(config.connections[2]).toEqual({
      id: 'ira',
      environment: 'prod',
      label: 'IRA',
      consumerSecretId: 'etrade-oauth-ira-consumer',
      consumerKeyCreatedAt: '2024-05-17',
      endpoints: DEFAULT_ENDPOINTS.prod,
    });
    expect(config.connections[3]).toMatchObject({
      label: 'joint-2',
      consumerSecretId: 'etrade-oauth-joint-2-consumer',
    });
    expect(config.connections[3]).not.toHaveProperty('consumerKeyCreatedAt');
    expect(config.connections[4]).toMatchObject({
      consumerSecretId: 'shared-sandbox-consumer',
      endpoints: DEFAULT_ENDPOINTS.sandbox,
    });
  });

  it('replaces a default connection in place when an entry reuses its id', () => {
    const config = loadConfig(
      connections([{ id: 'prod', environment: 'prod', consumerKeyCreatedAt: '2025-01-02' }]),
    );

    expect(config.connections.map((c) => c.id)).toEqual(['prod', 'sandbox']);
    expect(config.connections[0]).toMatchObject({ label: 'Live', consumerKeyCreatedAt: '2025-01-02' });
  });

  it('drops the default label when the replacement changes the environment', () => {
    const config = loadConfig(connections([{ id: 'prod', environment: 'sandbox' }]));

    expect(config.connections[0]).toMatchObject({ label: 'prod', environment: 'sandbox' });
  });

  it('accepts an empty list', () => {
    expect(loadConfig({ ETRADE_CONNECTIONS: '[]' })).toEqual(loadConfig({}));
  });
});

describe('endpoints per connection', () => {
  const simulator = 'http://127.0.0.1:8089';

  it('prefers the entry, then ETRADE_<ID>_* overrides, then ETRADE_* overrides, then the defaults', () => {
    const config = loadConfig({
      ...connections([
        { id: 'ira', environment: 'prod', apiBase: 'https://api-ira.example.com/' },
        { id: 'paper', environment: 'sandbox' },
      ]),
      ETRADE_OAUTH_BASE: simulator,
      ETRADE_IRA_OAUTH_BASE: 'http://127.0.0.1:9001',
      ETRADE_IRA_API_BASE: 'http://127.0.0.1:9002',
    });
    const endpoints = Object.fromEntries(config.connections.map((c) => [c.id, c.endpoints]));

    expect(endpoints.ira).toEqual({
      oauthBase: 'http://127.0.0.1:9001', // ETRADE_IRA_OAUTH_BASE beats ETRADE_OAUTH_BASE
      apiBase: 'https://api-ira.example.com', // the entry beats ETRADE_IRA_API_BASE; trailing slash dropped
      authorizeBase: DEFAULT_ENDPOINTS.prod.authorizeBase,
    });
    expect(endpoints.paper).toEqual({ ...DEFAULT_ENDPOINTS.sandbox, oauthBase: simulator });
    expect(endpoints.prod).toEqual({ ...DEFAULT_ENDPOINTS.prod, oauthBase: simulator });
  });

  it('lets an entry point all three endpoints at its own server', () => {
    const [ira] = loadConfig(
      connections([
        {
          id: 'ira',
          environment: 'sandbox',
          oauthBase: simulator,
          apiBase: simulator,
          authorizeBase: `${simulator}/e/t/etws/authorize`,
        },
      ]),
    ).connections.slice(2);

    expect(ira.endpoints).toEqual({
      oauthBase: simulator,
      apiBase: simulator,
      authorizeBase: `${simulator}/e/t/etws/authorize`,
    });
  });

  it('reports a bad endpoint override variable once, by name, however many connections use it', () => {
    const error = configError({ ETRADE_API_BASE: 'ftp://files.example.com' });

    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain('ETRADE_API_BASE must be an http(s) URL');
  });
});

describe('invalid connections name the field', () => {
  const valid = { id: 'ira', environment: 'prod' };

  it.each([
    [
      'id',
      { id: 'IRA' },
      'expected lowercase letters, digits and "-", starting with a letter, at most 30 characters, got "IRA"',
    ],
    ['id', { id: '2nd' }, 'got "2nd"'],
    ['id', { id: 'a'.repeat(31) }, 'at most 30 characters'],
    ['id', { id: 'ira_2' }, 'got "ira_2"'],
    ['id', { id: 7 }, 'expected a string, got 7'],
    ['id', { id: undefined }, 'required'],
    ['environment', { environment: 'live' }, 'expected "prod" | "sandbox", got "live"'],
    ['environment', { environment: undefined }, 'required'],
    ['label', { label: '  ' }, 'expected a non-empty label'],
    ['label', { label: 'x'.repeat(61) }, 'expected at most 60 characters'],
    ['label', { label: 3 }, 'expected a string, got 3'],
    ['consumerSecretId', { consumerSecretId: 'c5bb+4dcb/7bd=' }, 'expected a Secret Manager secret id'],
    [
      'consumerKeyCreatedAt',
      { consumerKeyCreatedAt: '2024-02-30' },
      'expected a real yyyy-MM-dd calendar date, got "2024-02-30"',
    ],
    ['consumerKeyCreatedAt', { consumerKeyCreatedAt: '05/17/2024' }, 'got "05/17/2024"'],
    ['consumerKeyCreatedAt', { consumerKeyCreatedAt: 20240517 }, 'expected a yyyy-MM-dd date, got 20240517'],
    [
      'oauthBase',
      { oauthBase: 'api.etrade.com' },
      'expected an absolute http(s) URL without query or fragment, got "api.etrade.com"',
    ],
    ['apiBase', { apiBase: 'ftp://apisb.etrade.com' }, 'got "ftp://apisb.etrade.com"'],
    ['apiBase', { apiBase: 'https://apisb.etrade.com/?debug=1' }, 'without query'],
    ['authorizeBase', { authorizeBase: 'https://us.etrade.com/authorize#x' }, 'without query or fragment'],
  ])('%s: %p', (field, bad, message) => {
    const error = configError(connections([valid, { ...valid, id: 'other', ...bad }]));

    expect(error.message).toContain(`ETRADE_CONNECTIONS[1].${field}: `);
    expect(error.message).toContain(message);
  });

  it('the environment message reads as the lead expects', () => {
    expect(configError(connections([valid, { id: 'x', environment: 'live' }])).message).toContain(
      'ETRADE_CONNECTIONS[1].environment: expected "prod" | "sandbox"',
    );
  });

  it('never echoes a consumerSecretId, which may be a pasted secret', () => {
    const error = configError(connections([{ ...valid, consumerSecretId: 'CANARY+SECRET/=' }]));

    expect(error.message).toContain(
      'ETRADE_CONNECTIONS[0].consumerSecretId: expected a Secret Manager secret id',
    );
    expect(error.message).not.toContain('CANARY');
  });

  it('names each unknown field, without echoing its value', () => {
    const error = configError(connections([{ ...valid, enviroment: 'prod', secret: 'CANARY-SECRET' }]));

    expect(error.issues.map((issue) => issue.path)).toEqual([
      'ETRADE_CONNECTIONS[0].enviroment',
      'ETRADE_CONNECTIONS[0].secret',
    ]);
    expect(error.message).toContain('unknown field (known: id, environment, label,');
    expect(error.message).not.toContain('CANARY');
  });

  it('refuses duplicate ids, pointing at both entries', () => {
    const error = configError(
      connections([valid, { id: 'joint', environment: 'prod' }, { ...valid, environment: 'sandbox' }]),
    );

    expect(error.issues).toEqual([
      { path: 'ETRADE_CONNECTIONS[2].id', message: 'duplicate id "ira" (also ETRADE_CONNECTIONS[0])' },
    ]);
  });

  it('refuses an entry that is not an object', () => {
    expect(configError(connections([valid, 'ira'])).message).toContain(
      'ETRADE_CONNECTIONS[1]: expected an object, got "ira"',
    );
  });

  it.each([
    [
      '{"id":"ira","environment":"prod"}',
      'ETRADE_CONNECTIONS: expected a JSON array of connections, got {"id":',
    ],
    ['null', 'ETRADE_CONNECTIONS: expected a JSON array of connections, got null'],
  ])('refuses %s, which is JSON but not a list', (text, message) => {
    expect(configError({ ETRADE_CONNECTIONS: text }).message).toContain(message);
  });

  it.each(["[{id: 'ira'}]", '', '[{"id":"ira","environment":"prod"},]'])(
    'says when ETRADE_CONNECTIONS is not JSON (%p), without quoting it',
    (text) => {
      const error = configError({ ETRADE_CONNECTIONS: text });

      expect(error.issues).toHaveLength(1);
      expect(error.issues[0].path).toBe('ETRADE_CONNECTIONS');
      expect(error.issues[0].message).toMatch(/^invalid JSON( \(at position \d+\))?$/);
    },
  );
});
