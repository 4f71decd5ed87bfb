/* eslint-disable @typescript-eslint/no-require-imports -- the floor loads exactly the clients it is told to */
/**
 * The floor a function's cold start is compared with: a hello-world functions-framework function that
 * loads only the Google (and other heavy) clients that function truly needs, and nothing of ours.
 *
 * - BENCH_FLOOR_CLIENTS: comma list of firestore, secret-manager, pubsub, axios, telegraf; each is
 *   required at load, as a naive function would.
 * - BENCH_FLOOR_IO=1: each request also makes one round trip per client, in dependency order (the
 *   secret first, cached for the instance as ours is): the I/O our first request cannot avoid.
 *
 * Registered under FUNCTION_TARGET, as an HTTP or a CloudEvent function (FUNCTION_SIGNATURE_TYPE).
 */
import { cloudEvent, http } from '@google-cloud/functions-framework';

const PACKAGES = {
  firestore: '@google-cloud/firestore',
  'secret-manager': '@google-cloud/secret-manager',
  pubsub: '@google-cloud/pubsub',
  axios: 'axios',
  telegraf: 'telegraf',
} as const;
type Client = keyof typeof PACKAGES;

const env = process.env;
const clients = (env.BENCH_FLOOR_CLIENTS ?? '').split(',').filter(Boolean) as Client[];
const loaded = new Map<Client, Record<string, unknown>>();
for (const client of clients) {
  if (!(client in PACKAGES)) throw new Error(`BENCH_FLOOR_CLIENTS: unknown client ${client}`);
  loaded.set(client, require(PACKAGES[client]) as Record<string, unknown>);
}

const projectId = env.GOOGLE_CLOUD_PROJECT ?? '';
type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped on purpose: see above
const made = new Map<string, Any>();
const once = (key: string, make: () => Any): Any => {
  if (!made.has(key)) made.set(key, make());
  return made.get(key);
};
const construct = (client: Client, name: string, ...args: unknown[]): Any => {
  const Ctor = loaded.get(client)?.[name] as new (...a: unknown[]) => Any;
  return once(client, () => new Ctor(...args));
};

/** One round trip per loaded client, as our first request makes them. */
async function roundTrips(): Promise<void> {
  if (loaded.has('secret-manager')) {
    await once('secret', async () => {
      const sm = construct('secret-manager', 'SecretManagerServiceClient');
      const name = `projects/${projectId}/secrets/etrade-oauth-login-link-key/versions/latest`;
      return (await sm.accessSecretVersion({ name }))[0];
    });
  }
  if (loaded.has('firestore')) {
    const db = construct('firestore', 'Firestore', { projectId });
    await db.getAll(db.doc('connections/prod'), db.doc('connections/sandbox'));
  }
  if (loaded.has('axios')) {
    const axios = loaded.get('axios')?.default as Any;
    await axios.get(`${env.ETRADE_API_BASE}/`, { validateStatus: () => true });
  }
  if (loaded.has('pubsub')) {
    const topic = once('topic', () =>
      construct('pubsub', 'PubSub', { projectId }).topic('etrade-oauth-token-events'),
    );
    await topic.publishMessage({ data: Buffer.from('{}') });
  }
  if (loaded.has('telegraf')) {
    const telegram = construct('telegraf', 'Telegram', env.BENCH_BOT_TOKEN, {
      apiRoot: env.TELEGRAM_API_ROOT,
    });
    await telegram.getMe();
  }
}

const io = env.BENCH_FLOOR_IO === '1';
const target = env.FUNCTION_TARGET ?? 'floor';
if (env.FUNCTION_SIGNATURE_TYPE === 'cloudevent') {
  cloudEvent(target, async () => {
    if (io) await roundTrips();
  });
} else {
  http(target, async (_req, res) => {
    if (io) await roundTrips();
    res.json({ ok: true });
  });
}
