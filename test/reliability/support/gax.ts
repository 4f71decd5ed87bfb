/* eslint-disable @typescript-eslint/no-require-imports -- the libraries' own JSON retry configs */

interface GaxServiceConfig {
  retry_codes: Record<string, string[]>;
  methods: Record<string, { retry_codes_name: string }>;
}

export const SECRET_MANAGER_SERVICE = 'google.cloud.secretmanager.v1.SecretManagerService';
export const PUBLISHER_SERVICE = 'google.pubsub.v1.Publisher';

const LIBRARY_CONFIGS: Record<string, () => { interfaces: Record<string, GaxServiceConfig> }> = {
  [SECRET_MANAGER_SERVICE]: () =>
    require('@google-cloud/secret-manager/build/src/v1/secret_manager_service_client_config.json'),
  [PUBLISHER_SERVICE]: () => require('@google-cloud/pubsub/build/src/v1/publisher_client_config.json'),
};

/**
 * Short deadlines for a Google client (google-gax `clientConfig` overrides). Which status codes each
 * method retries stays the library's own (Secret Manager retries only AccessSecretVersion, on
 * UNAVAILABLE); only the timing shrinks: 10 ms backoff, and a dead service fails within `totalMs`
 * instead of the default 60 s to 10 min.
 */
export function quickClientConfig(service: keyof typeof LIBRARY_CONFIGS, totalMs: number) {
  const library = LIBRARY_CONFIGS[service]().interfaces[service];
  return {
    interfaces: {
      [service]: {
        retry_codes: library.retry_codes,
        retry_params: {
          quick: {
            initial_retry_delay_millis: 10,
            retry_delay_multiplier: 2,
            max_retry_delay_millis: 50,
            initial_rpc_timeout_millis: totalMs,
            rpc_timeout_multiplier: 1,
            max_rpc_timeout_millis: totalMs,
            total_timeout_millis: totalMs,
          },
        },
        methods: Object.fromEntries(
          Object.entries(library.methods).map(([method, { retry_codes_name }]) => [
            method,
            { timeout_millis: totalMs, retry_codes_name, retry_params_name: 'quick' },
          ]),
        ),
      },
    },
  };
}

/** grpc-js reconnects after 1 s by default: a service that comes back must be found at once. */
export const QUICK_RECONNECT = {
  'grpc.initial_reconnect_backoff_ms': 20,
  'grpc.max_reconnect_backoff_ms': 50,
} as const;
