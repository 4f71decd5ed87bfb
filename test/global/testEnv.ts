/**
 * The environment the test workers see. Every Google client library reads these variables itself, so
 * tests construct clients exactly as production code does and still never leave loopback.
 */

/** Emulators accept any project id; a fixed one keeps resource names predictable in assertions. */
export const TEST_PROJECT_ID = 'etrade-oauth-test';

export const LOOPBACK = '127.0.0.1';

/** Project and metadata settings that do not depend on which ports the emulators got. */
export const FIXED_TEST_ENV: Readonly<Record<string, string>> = {
  PUBSUB_PROJECT_ID: TEST_PROJECT_ID,
  GCLOUD_PROJECT: TEST_PROJECT_ID,
  GOOGLE_CLOUD_PROJECT: TEST_PROJECT_ID,
  // Without this, google-auth-library probes 169.254.169.254 to guess whether it runs on GCP.
  METADATA_SERVER_DETECTION: 'none',
};
