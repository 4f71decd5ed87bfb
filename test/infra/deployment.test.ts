import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { secretEnvVar } from '../../shared/adapters/gcp/envSecretReader';
import { FIRESTORE_COLLECTIONS, FIRESTORE_TTL_FIELD } from '../../shared/adapters/gcp/firestoreTokenLedger';
import { defaultConsumerSecretId } from '../../shared/config';
import { SECRET_IDS } from '../../shared/ports/secretReader';
import { accessSecretId } from '../../shared/ports/secretVault';
import '../../functions';
import { deployedEnv } from '../support/deployedEnv';

/** HCL → JSON; required untyped because its .d.ts pulls the DOM lib into every test's types. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { parse } = require('@cdktf/hcl2json') as { parse(file: string, text: string): Promise<unknown> };

/** The framework's own registry (not in its package exports): which trigger each name registered. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- not exported, so not importable
const { getRegisteredFunction } = require(
  join(dirname(require.resolve('@google-cloud/functions-framework')), 'function_registry.js'),
) as { getRegisteredFunction(name: string): { signatureType: string } | undefined };

/** infra/*.tf and firebase.json checked against the code they deploy. */
type Json = Record<string, unknown>;
interface FunctionNeeds {
  entry_point: string;
  trigger: string;
  concurrency: number;
  auth: boolean;
  notify: boolean;
  consumer: boolean;
  access: boolean;
  access_write: boolean;
  events: boolean;
  outbox: boolean;
  telegram: boolean;
}

let resources: Record<string, Record<string, Json[]>>;
let locals: Json;
let variables: Record<string, Json[]>;

beforeAll(async () => {
  resources = {};
  locals = {};
  variables = {};
  for (const file of readdirSync('infra').filter((name) => name.endsWith('.tf'))) {
    const hcl = (await parse(file, readFileSync(join('infra', file), 'utf8'))) as {
      resource?: Record<string, Record<string, Json[]>>;
      locals?: Json[];
      variable?: Record<string, Json[]>;
    };
    for (const [type, byName] of Object.entries(hcl.resource ?? {}))
      resources[type] = { ...resources[type], ...byName };
    for (const block of hcl.locals ?? []) Object.assign(locals, block);
    Object.assign(variables, hcl.variable ?? {});
  }
});

const functions = () => locals.functions as Record<string, FunctionNeeds>;
/** `${local.name}` → its value; anything else as written. */
const resolve = (value: unknown): unknown => {
  const match = typeof value === 'string' ? /^\$\{local\.(\w+)\}$/.exec(value) : null;
  return match ? locals[match[1]] : value;
};
const one = (type: string, name: string) => {
  const block = resources[type]?.[name]?.[0];
  if (!block) throw new Error(`infra declares no ${type}.${name}`);
  return block;
};
/** The resource names a `${google_pubsub_topic.X.id}` reference points at, checked to exist. */
const topicOf = (reference: unknown) => {
  const match = /^\$\{google_pubsub_topic\.(\w+)\.(id|name)\}$/.exec(String(reference));
  expect(match).not.toBeNull();
  one('google_pubsub_topic', match![1]);
  return match![1];
};

describe('functions', () => {
  it('deploys exactly the functions in functions/, each under its entry point name', () => {
    const files = readdirSync('functions')
      .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
      .map((name) => basename(name, '.ts'))
      .sort();
    expect(Object.keys(functions()).sort()).toEqual(files);
    for (const [name, needs] of Object.entries(functions())) expect(needs.entry_point).toBe(name);
  });

  it('gives each function the trigger its code registers', () => {
    for (const [name, needs] of Object.entries(functions())) {
      const registered = getRegisteredFunction(name);
      expect({ name, registered: registered !== undefined }).toEqual({ name, registered: true });
      expect({ name, type: registered!.signatureType }).toEqual({
        name,
        type: needs.trigger === 'http' ? 'http' : 'cloudevent',
      });
      if (needs.trigger !== 'http') topicOf((locals.trigger_topics as Json)[needs.trigger]);
    }
  });

  it('adds a function its own environment only under its deployed name (NODE_OPTIONS for exchangePin, status)', () => {
    const service = (one('google_cloudfunctions2_function', 'function').service_config as Json[])[0];
    expect(service.environment_variables).toBe(
      '${merge(local.function_env, lookup(local.function_env_extra, each.key, {}))}',
    );
    const extra = locals.function_env_extra as Record<string, Record<string, string>>;
    for (const name of Object.keys(extra)) expect(functions()).toHaveProperty([name]);
    // bench/coldStart.ts measures this cap: it keeps exchangePin's peak RSS under 128 MiB.
    expect(extra.exchangePin).toEqual({ NODE_OPTIONS: '--max-semi-space-size=4' });
    // bench/statusLoad.ts measures this one: status's peak RSS under load stays under 128 MiB.
    expect(extra.status).toEqual({ NODE_OPTIONS: '--max-old-space-size=64 --max-semi-space-size=4' });
  });

  it('runs them on Node 20, in 256 MiB or less, scaling to zero', () => {
    const fn = one('google_cloudfunctions2_function', 'function');
    expect((fn.build_config as Json[])[0].runtime).toBe('nodejs20');
    const service = (fn.service_config as Json[])[0];
    expect(service.available_memory).toBe('256M');
    expect(service.min_instance_count).toBe(0);
  });

  // bench/renewal.ts measures these (docs/performance.md): at 256M's default 0.167 vCPU a renewal's
  // four cold starts took 35 s; at 1 vCPU about a fifth of that.
  it('gives every instance a whole vCPU, and HTTP instances several requests at once', async () => {
    const service = (one('google_cloudfunctions2_function', 'function').service_config as Json[])[0];
    expect(service.available_cpu).toBe('1');
    // Below 1 vCPU Cloud Run allows only one request per instance; at 1 any concurrency is allowed.
    expect(service.max_instance_request_concurrency).toBe('${each.value.concurrency}');
    for (const [name, needs] of Object.entries(functions())) {
      expect({ name, concurrency: needs.concurrency }).toEqual({
        name,
        concurrency: needs.trigger === 'http' ? 8 : 1,
      });
    }
    // Every function warms the next ones a renewal meets (shared/app/warmUp.ts).
    expect((locals.function_env as Json).WARM_UP).toBe('1');
    // The benchmark reads the same settings through deployedEnv: they must evaluate per function.
    const deployed = await deployedEnv();
    expect(deployed.service('status')).toMatchObject({
      cpu: 1,
      cpuSet: true,
      memoryMiB: 256,
      concurrency: 8,
    });
    expect(deployed.service('keepAlive')).toMatchObject({ cpu: 1, concurrency: 1, minInstances: 0 });
    expect(deployed.runtime('actions')).toMatchObject({ USE_GCP: '1', NODE_ENV: 'production', WARM_UP: '1' });
  });
});

describe('Cloud Scheduler', () => {
  const jobs = () => resources.google_cloud_scheduler_job;
  const eventFunctionFor = (topic: string) =>
    Object.entries(functions()).find(
      ([, needs]) =>
        needs.trigger !== 'http' && topicOf((locals.trigger_topics as Json)[needs.trigger]) === topic,
    );

  it('runs on New York time with the documented cadence', () => {
    const schedules = Object.fromEntries(
      Object.entries(jobs()).map(([name, [job]]) => [name, [job.schedule, job.time_zone]]),
    );
    expect(schedules).toEqual({
      keepalive: ['*/15 * * * *', 'America/New_York'],
      morning_alert: ['30 8 * * 1-5', 'America/New_York'],
      morning_escalation: ['15 9 * * 1-5', 'America/New_York'],
    });
  });

  it('publishes every job to an existing topic that an event function listens to', () => {
    const targets = Object.fromEntries(
      Object.entries(jobs()).map(([name, [job]]) => {
        const topic = topicOf((job.pubsub_target as Json[])[0].topic_name);
        return [name, eventFunctionFor(topic)?.[0]];
      }),
    );
    expect(targets).toEqual({
      keepalive: 'keepAlive',
      morning_alert: 'morningAlert',
      morning_escalation: 'morningAlert',
    });
  });
});

describe('secrets', () => {
  const configSecrets = () => (locals.config_secrets as string[]).map(resolve);

  it('declares every secret the code reads, and none it does not', () => {
    expect(configSecrets().sort()).toEqual(Object.values(SECRET_IDS).sort());
    expect(String(locals.consumer_secrets)).toContain(defaultConsumerSecretId('${id}'));
    expect(String(locals.access_secrets)).toContain(accessSecretId('${id}'));
  });

  it('grants each function what its code path needs', () => {
    for (const [name, needs] of Object.entries(functions())) {
      // Every HTTP function checks a credential: a session or API key, or Telegram's webhook secret.
      if (needs.trigger === 'http')
        expect({ name, guarded: needs.auth || needs.telegram }).toEqual({ name, guarded: true });
    }
    expect(functions().exchangePin).toMatchObject({
      consumer: true,
      access_write: true,
      events: true,
      notify: true,
    });
    expect(functions().requestToken).toMatchObject({ consumer: true, access_write: false });
    expect(functions().keepAlive).toMatchObject({ consumer: true, access: true, events: true, notify: true });
    expect(functions().actions).toMatchObject({ consumer: true, access: true, events: true, notify: true });
    expect(functions().morningAlert).toMatchObject({ notify: true, consumer: false, access: false });
    expect(functions().status).toMatchObject({ consumer: false, access: false, events: false });
    // It exchanges the codes pasted into the chat: the PIN exchange's needs, without the API key hash.
    expect(functions().telegramWebhook).toMatchObject({
      telegram: true,
      notify: true,
      auth: false,
      consumer: true,
      access_write: true,
      events: true,
    });
  });
});

describe('the notices queue', () => {
  it("queues the PIN exchange's notices on a topic the notices function listens to; only the exchangers publish there", () => {
    const env = locals.function_env as Json;
    expect(topicOf(String(env.NOTICES_TOPIC).replace('.name}', '.id}'))).toBe('notices');
    expect(topicOf((locals.trigger_topics as Json)[functions().notices.trigger])).toBe('notices');
    const publishers = Object.entries(functions())
      .filter(([, needs]) => needs.outbox)
      .map(([name]) => name);
    // The page's exchangePin, and telegramWebhook, which exchanges codes pasted into the chat.
    expect(publishers).toEqual(['exchangePin', 'telegramWebhook']);
    const grant = one('google_pubsub_topic_iam_member', 'notices_publisher');
    expect(topicOf(grant.topic)).toBe('notices');
    expect(grant).toMatchObject({ role: 'roles/pubsub.publisher' });
    expect(grant.for_each).toContain('f.outbox');
  });

  it('gives the notices function the chat channels and nothing else', () => {
    expect(functions().notices).toMatchObject({
      notify: true,
      auth: false,
      consumer: false,
      access: false,
      events: false,
      outbox: false,
      telegram: false,
      concurrency: 1,
    });
  });
});

describe('secrets mounted as environment variables', () => {
  const fn = () => one('google_cloudfunctions2_function', 'function');
  const mount = () =>
    (((fn().service_config as Json[])[0].dynamic as Json).secret_environment_variables as Json[])[0];

  it('names each variable as the code reads it, from the latest version in the project', () => {
    const [content] = mount().content as Json[];
    // Terraform's key expression may use upper() and replace() only; evaluated here for every id.
    expect(content.key).toBe('SECRET_${upper(replace(secret_environment_variables.value, "-", "_"))}');
    const terraformKey = (id: string) => `SECRET_${id.toUpperCase().replaceAll('-', '_')}`;
    const ids = [
      ...Object.values(SECRET_IDS),
      defaultConsumerSecretId('prod'),
      defaultConsumerSecretId('paper-2'),
    ];
    for (const id of ids) expect(secretEnvVar(id)).toBe(terraformKey(id));
    expect(content).toMatchObject({
      secret: '${secret_environment_variables.value}',
      version: 'latest',
      project_id: '${var.project_id}',
    });
    expect(mount().for_each).toBe('${local.mounted_secrets[each.key]}');
    // Cloud Functions refuses a revision whose service account cannot read a mounted secret.
    expect(fn().depends_on).toContain('${google_secret_manager_secret_iam_member.function}');
  });

  it('mounts and grants the configuration secrets each need reads in the code, never a token pair', () => {
    const needs = Object.fromEntries(
      Object.entries(locals.need_secrets as Record<string, string[]>).map(([need, ids]) => [
        need,
        ids.map(resolve).sort(),
      ]),
    );
    expect(needs).toEqual({
      // shared/auth loadAuthKeys
      auth: [SECRET_IDS.loginLinkKey, SECRET_IDS.apiKeyHash].sort(),
      // sign-in links on every notice, and each chat channel's credential
      notify: [SECRET_IDS.loginLinkKey, SECRET_IDS.telegramBotToken, SECRET_IDS.slackWebhookUrl].sort(),
      // shared/api/telegramRoutes.ts: the webhook secret, then answers (a reply, a sign-in link)
      telegram: [
        SECRET_IDS.telegramWebhookSecret,
        SECRET_IDS.telegramBotToken,
        SECRET_IDS.loginLinkKey,
      ].sort(),
    });
    const perFunction = String(locals.function_config_secrets);
    for (const need of Object.keys(needs))
      expect(perFunction).toContain(`f.${need} ? local.need_secrets.${need}`);
    expect(perFunction).toContain('f.consumer ? values(local.consumer_secrets)');
    // Token pairs get a new version every day: read from Secret Manager at run time, never mounted.
    expect(perFunction).not.toContain('access_secrets');
    const mounted = String(locals.mounted_secrets);
    expect(mounted).toContain('in local.function_config_secrets');
    // An instance does not start while a mounted secret has no version: Slack's only when Slack is on.
    expect(mounted).toContain('var.slack_enabled || s != local.slack_webhook_secret');
    expect(String(locals.secret_grants)).toContain('for s in local.function_config_secrets[name]');
  });
});

describe('Firestore', () => {
  it('expires pending PIN flows, markers and chat alerts by TTL on the field the adapter writes', () => {
    const ttl = Object.values(resources.google_firestore_field).map(([field]) => [
      field.collection,
      field.field,
    ]);
    expect(ttl.sort()).toEqual(
      [
        [FIRESTORE_COLLECTIONS.markers, FIRESTORE_TTL_FIELD],
        [FIRESTORE_COLLECTIONS.pinFlows, FIRESTORE_TTL_FIELD],
        [FIRESTORE_COLLECTIONS.chatAlerts, FIRESTORE_TTL_FIELD],
      ].sort(),
    );
  });
});

describe('firebase.json', () => {
  const hosting = JSON.parse(readFileSync('firebase.json', 'utf8')).hosting as {
    public: string;
    rewrites: { source: string; function: { functionId: string; region: string } }[];
  };

  it('rewrites only to deployed HTTP functions in the deployed region', () => {
    const region = variables.region[0].default;
    for (const rewrite of hosting.rewrites) {
      const { functionId } = rewrite.function;
      expect({ source: rewrite.source, trigger: functions()[functionId]?.trigger }).toEqual({
        source: rewrite.source,
        trigger: 'http',
      });
      expect(rewrite.function.region).toBe(region);
    }
  });

  it('serves the page the build writes', () => {
    expect(hosting.public).toBe('hosting/dist');
    expect(readFileSync('hosting/build.mjs', 'utf8')).toContain('dist');
  });
});

describe('monitoring', () => {
  /** Every `log.<severity>('event', …)` call in shared/, by severity: what Cloud Logging will see. */
  const loggedEvents = (severity: 'error' | 'info'): Set<string> => {
    const events = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts')) {
          const calls = new RegExp(`\\.${severity}\\(\\s*'([\\w.]+)'`, 'g');
          for (const [, event] of readFileSync(path, 'utf8').matchAll(calls)) events.add(event);
        }
      }
    };
    walk('shared');
    return events;
  };
  const metricOf = (filter: unknown) => {
    const match = /logging\.googleapis\.com\/user\/\$\{google_logging_metric\.(\w+)\.name\}/.exec(
      String(filter),
    );
    expect(match).not.toBeNull();
    return one('google_logging_metric', match![1]);
  };
  const services = () =>
    [
      ...String(one('google_project_service', 'required').for_each).matchAll(/"([\w.]+\.googleapis\.com)"/g),
    ].map(([, service]) => service);

  it('alerts on every ERROR line the code writes (the failures the system cannot announce itself)', () => {
    expect([...(locals.error_events as string[])].sort()).toEqual([...loggedEvents('error')].sort());
    const filter = String(one('google_logging_metric', 'errors').filter);
    expect(filter).toContain('severity>=ERROR');
    expect(filter).toContain('local.error_events');
    const [condition] = one('google_monitoring_alert_policy', 'unrecorded_failures').conditions as Json[];
    const threshold = (condition.condition_threshold as Json[])[0];
    expect(metricOf(threshold.filter)).toBe(one('google_logging_metric', 'errors'));
    expect(threshold).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0 });
  });

  it('alerts when keep-alive stops finishing runs, after more than two missed runs', () => {
    const event = locals.keepalive_finished_event as string;
    expect(loggedEvents('info')).toContain(event);
    const [condition] = one('google_monitoring_alert_policy', 'keepalive_silent').conditions as Json[];
    const absent = (condition.condition_absent as Json[])[0];
    expect(metricOf(absent.filter)).toBe(one('google_logging_metric', 'keepalive_runs'));
    const silence = Number(/^(\d+)s$/.exec(String(resolve(absent.duration)))?.[1]);
    const cadence = Number(
      /^\*\/(\d+) /.exec(String(one('google_cloud_scheduler_job', 'keepalive').schedule))?.[1],
    );
    expect(silence).toBeGreaterThan(2 * cadence * 60);
  });

  it('enables the API of every kind of resource it declares', () => {
    const apiOf: Record<string, string[]> = {
      google_cloudfunctions2_function: [
        'cloudfunctions',
        'run',
        'cloudbuild',
        'artifactregistry',
        'eventarc',
      ],
      google_secret_manager: ['secretmanager'],
      google_pubsub: ['pubsub'],
      google_cloud_scheduler: ['cloudscheduler'],
      google_firestore: ['firestore'],
      google_firebase_hosting: ['firebase', 'firebasehosting'],
      google_logging: ['logging'],
      google_monitoring: ['monitoring'],
      google_service_account: ['iam'],
    };
    const needed = new Set<string>();
    for (const type of Object.keys(resources)) {
      const prefix = Object.keys(apiOf).find((candidate) => type.startsWith(candidate));
      for (const api of prefix ? apiOf[prefix] : []) needed.add(`${api}.googleapis.com`);
    }
    expect(needed.size).toBeGreaterThan(10);
    expect(services()).toEqual(expect.arrayContaining([...needed]));
  });
});
