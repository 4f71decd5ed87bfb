/**
 * A renewal as the trader meets it: the page's own sequence of calls (redeem the sign-in link with
 * POST /api/login, GET /status, POST /api/request-token, then, after the E*TRADE login, POST
 * /api/exchange-pin), through firebase.json's rewrites, against each function started as deployed:
 * its own process (functions-framework, NODE_ENV=production, infra's NODE_OPTIONS and mounted
 * secrets), under the CPU share infra/ gives it (read from the Terraform: `available_cpu`, or what the
 * memory buys when unset), throttled between requests as gen2 throttles an idle instance. Every call
 * to Google (Firestore and Pub/Sub emulators, the Secret Manager fake) crosses a latency proxy of
 * BENCH_RENEWAL_GOOGLE_RTT_MS (20) per round trip plus two for a new connection's TCP and TLS
 * handshakes; every E*TRADE call BENCH_RENEWAL_ETRADE_MS (150); Telegram BENCH_RENEWAL_TELEGRAM_RTT_MS
 * (100) per round trip.
 *
 * Cold: a fresh project and no instance; warm: a second renewal on the instances the first started.
 * Prints each call's wall time, its share, the CPU its process used for it (user + sys from
 * /proc/<pid>/stat: since spawn when cold), its resident set, and how many round trips it waited on
 * in sequence; the totals, and what is left after E*TRADE's own calls (the goal: ≤ 2 s cold,
 * ≤ 300 ms warm). Also when the "renewed" notice reached the chat, after the answer.
 *
 * `current` is this checkout as deployed: the deploy package bench/run.mjs builds (infra/bundle.mjs,
 * code caches included). `node bench/run.mjs renewal`; BENCH_RENEWAL_REPS (3); BENCH_RENEWAL_BUILDS
 * (`name=/root,…`: other builds measured in the same run, each a checkout with its own infra/,
 * firebase.json and dist/functions/index.js, e.g. the commit before a change; after `?`:
 * `source=<entry relative to root>` another entry (`dist/functions/index.js`: this checkout unbundled),
 * `cpu=1` every function's CPU share, `env=WARM_UP:0;KEY:value` more environment, `page=warm` the sign-in
 * page posting a warm-up to /status itself); BENCH_RENEWAL_IDLE_SHARE (0.01: the share between
 * requests). Needs root and a cgroup CPU controller for the quota; without them it runs unthrottled
 * and says so.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Message, Subscription } from '@google-cloud/pubsub';

import { ensureTopic } from '../shared/adapters/gcp/pubSubEventBus';
import { WARM_UP_HEADER } from '../shared/app/warmUp';
import { deployedEnv, type DeployedEnv, type DeployedService } from '../test/support/deployedEnv';
import { CloudFront, type Served } from './support/cloudFront';
import { quotaUnavailable } from './support/cpuQuota';
import { GcpWorld, NOTICES_TOPIC, type BenchProject } from './support/gcpWorld';
import { sequentialRoundTrips } from './support/latencyProxy';
import { deadline, load1, loadNote, say, table, writeResult, type RatioLine } from './support/report';
import { MIB, fixed, max, median } from './support/stats';

const ROOT = path.resolve(__dirname, '..', '..');
const REPS = Number(process.env.BENCH_RENEWAL_REPS ?? 3);
const GOOGLE_RTT_MS = Number(process.env.BENCH_RENEWAL_GOOGLE_RTT_MS ?? 20);
const ETRADE_MS = Number(process.env.BENCH_RENEWAL_ETRADE_MS ?? 150);
const TELEGRAM_RTT_MS = Number(process.env.BENCH_RENEWAL_TELEGRAM_RTT_MS ?? 100);
/** TCP + TLS 1.3 before a new connection to a Google front end carries its first request. */
const HANDSHAKE_RTTS = 2;
const IDLE_SHARE = Number(process.env.BENCH_RENEWAL_IDLE_SHARE ?? 0.01);
/** The trader reads the page and taps Renew; then logs in at E*TRADE and copies the PIN. */
const TAP_MS = 1_000;
const LOGIN_AT_ETRADE_MS = 2_000;
const GOAL_COLD_MS = 2_000;
const GOAL_WARM_MS = 300;
const GOOGLE = ['firestore', 'pubsub', 'secretManager'] as const;
/** Diagnosis: each function process writes a CPU profile here when it stops (not for figures). */
const PROFILE_DIR = process.env.BENCH_RENEWAL_CPU_PROF;
let profiles = 0;

interface Build {
  readonly name: string;
  readonly root: string;
  readonly cpu?: number;
  /** Extra environment for every function of this build (`?env=WARM_UP:0`). */
  readonly env?: Record<string, string>;
  /** The entry functions-framework loads, relative to the root (`?source=`): the deploy bundle's loader. */
  readonly source?: string;
  /**
   * The sign-in page posts a warm-up to /status as it posts the link (hosting/src/login.ts), so status
   * starts beside actions instead of after it. The current build's page does; another build's page
   * does with `?page=warm`.
   */
  readonly pageWarms?: boolean;
  deployed?: DeployedEnv;
}

const STEPS = [
  { name: 'sign-in', fn: 'actions' },
  { name: 'status', fn: 'status' },
  { name: 'request token', fn: 'requestToken' },
  { name: 'exchange PIN', fn: 'exchangePin' },
] as const;
type StepName = (typeof STEPS)[number]['name'];

interface StepResult {
  readonly step: StepName;
  readonly fn: string;
  readonly wallMs: number;
  readonly cold: boolean;
  readonly cpuMs: number;
  readonly rss: number;
  readonly peakRss: number;
  readonly googleRoundTrips: number;
  readonly etradeCalls: number;
  readonly telegramCalls: number;
  readonly startupMs?: number;
}

interface Renewal {
  readonly steps: StepResult[];
  /** ms from the exchange-pin answer to the "renewed" notice reaching the Bot API; NaN if it never did. */
  readonly noticeAfterMs: number;
  readonly load: number;
}

function builds(): Build[] {
  // As deployed: the deploy package's loader and bundles (bench/run.mjs builds them with their caches).
  const list: Build[] = [
    {
      name: 'current',
      root: ROOT,
      source: path.join('.deploy', 'app', 'bundle', 'index.js'),
      pageWarms: true,
    },
  ];
  for (const spec of (process.env.BENCH_RENEWAL_BUILDS ?? '').split(',').filter(Boolean)) {
    const name = spec.slice(0, spec.indexOf('='));
    const rest = spec.slice(spec.indexOf('=') + 1);
    const [root, query = ''] = rest.split('?');
    const params = new URLSearchParams(query);
    const cpu = params.get('cpu');
    const env = params.get('env');
    const source = params.get('source');
    const page = params.get('page');
    list.push({
      name,
      root: path.resolve(root),
      ...(cpu !== null && { cpu: Number(cpu) }),
      ...(source !== null && { source }),
      ...(page === 'warm' && { pageWarms: true }),
      ...(env !== null && {
        env: Object.fromEntries(
          env.split(';').map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]),
        ),
      }),
    });
  }
  for (const b of list) {
    if (!existsSync(entryOf(b))) throw new Error(`${b.name}: no build at ${entryOf(b)} (build it first)`);
  }
  return list;
}

async function main(): Promise<void> {
  const timer = deadline(900_000, 'renewal');
  const all = builds();
  const noQuota = quotaUnavailable();
  say(
    `renewal: ${all.map((b) => b.name).join(', ')} x ${REPS} reps (cold, then warm); Google ${GOOGLE_RTT_MS} ms per round trip` +
      ` (+${HANDSHAKE_RTTS} per new connection), E*TRADE ${ETRADE_MS} ms per call, Telegram ${TELEGRAM_RTT_MS} ms; ${loadNote()}`,
  );
  if (noQuota)
    say(`NO CPU QUOTA (${noQuota}): every process runs unthrottled; the figures are not the deployed ones`);
  for (const b of all) {
    b.deployed = await deployedEnv(b.root);
    const shares = STEPS.map(({ fn }) => `${fn} ${describe(service(b, fn))}`);
    say(`${b.name} (${b.root}): ${shares.join('; ')}`);
  }

  const world = await GcpWorld.start();
  const results = new Map<string, { cold: Renewal[]; warm: Renewal[] }>();
  try {
    // One throwaway renewal wakes the emulators' JVMs and the disk cache before anything is timed.
    await measure(world, all[0], true);
    for (let rep = 0; rep < REPS; rep++) {
      const order = all.map((_, i) => all[(i + rep) % all.length]);
      for (const b of order) {
        const { cold, warm } = await measure(world, b, Boolean(noQuota));
        const r = results.get(b.name) ?? { cold: [], warm: [] };
        r.cold.push(cold);
        r.warm.push(warm);
        results.set(b.name, r);
        say(
          `  rep ${rep + 1} ${b.name}: cold ${fixed(total(cold))} ms, warm ${fixed(total(warm))} ms` +
            ` (notice +${fixed(cold.noticeAfterMs)} / +${fixed(warm.noticeAfterMs)} ms after the answer; load ${fixed(cold.load, 2)})`,
        );
      }
    }
  } finally {
    await world.close();
    clearTimeout(timer);
  }
  report(all, results);
}

function entryOf(b: Build): string {
  return path.join(b.root, b.source ?? path.join('dist', 'functions', 'index.js'));
}

function service(b: Build, fn: string): DeployedService {
  const s = (b.deployed as DeployedEnv).service(fn);
  return b.cpu === undefined ? s : { ...s, cpu: b.cpu, cpuSet: true };
}

function describe(s: DeployedService): string {
  return `${s.cpu} vCPU${s.cpuSet ? '' : ' (memory default)'}, ${s.memoryMiB} MiB, concurrency ${s.concurrency}, min ${s.minInstances}`;
}

async function measure(
  world: GcpWorld,
  b: Build,
  unthrottled: boolean,
): Promise<{ cold: Renewal; warm: Renewal }> {
  const project = await world.project();
  const deployed = b.deployed as DeployedEnv;
  // A build with the notices function queues exchangePin's notice (NOTICES_TOPIC, as infra sets it):
  // a subscription stands in for Eventarc and pushes each message to a notices instance.
  const queued = existsSync(path.join(b.root, 'dist', 'functions', 'notices.js'));
  let eventarc: Subscription | undefined;
  const front = await new CloudFront(
    path.join(b.root, 'firebase.json'),
    (fn) => ({
      source: entryOf(b),
      cpu: service(b, fn).cpu,
      signature: fn === 'notices' ? 'cloudevent' : 'http',
      ...(PROFILE_DIR && {
        nodeArgs: [
          '--cpu-prof',
          `--cpu-prof-dir=${PROFILE_DIR}`,
          `--cpu-prof-name=${b.name}-${fn}-${++profiles}.cpuprofile`,
        ],
      }),
      upstreams: [
        {
          name: 'firestore',
          upstreamPort: port(world.env(project.id).FIRESTORE_EMULATOR_HOST),
          rttMs: GOOGLE_RTT_MS,
          handshakeRtts: HANDSHAKE_RTTS,
        },
        {
          name: 'pubsub',
          upstreamPort: port(world.env(project.id).PUBSUB_EMULATOR_HOST),
          rttMs: GOOGLE_RTT_MS,
          handshakeRtts: HANDSHAKE_RTTS,
        },
        {
          name: 'secretManager',
          upstreamPort: world.secretManager.port,
          rttMs: GOOGLE_RTT_MS,
          handshakeRtts: HANDSHAKE_RTTS,
        },
        { name: 'etrade', upstreamPort: port(world.sim.url), rttMs: ETRADE_MS },
        {
          name: 'telegram',
          upstreamPort: port(world.bot.url),
          rttMs: TELEGRAM_RTT_MS,
          handshakeRtts: HANDSHAKE_RTTS,
        },
      ],
      env: (proxies, frontUrl) => ({
        ...world.env(project.id),
        ...deployed.runtime(fn),
        ...deployed.secrets(fn, (id) => world.configSecrets[id]),
        FIRESTORE_EMULATOR_HOST: proxies.firestore.hostPort,
        PUBSUB_EMULATOR_HOST: proxies.pubsub.hostPort,
        BENCH_SECRET_MANAGER_PORT: String(proxies.secretManager.port),
        // What a bundled build reads (its Secret Manager client is inside the bundle, out of the preload's reach).
        SECRET_MANAGER_EMULATOR_HOST: proxies.secretManager.hostPort,
        ETRADE_OAUTH_BASE: proxies.etrade.url,
        ETRADE_API_BASE: proxies.etrade.url,
        TELEGRAM_API_ROOT: proxies.telegram.url,
        PAGE_URL: frontUrl,
        ...b.env,
      }),
    }),
    { idleShare: IDLE_SHARE, quota: !unthrottled },
  ).start();
  if (queued) {
    const topic = await ensureTopic(project.pubsub, NOTICES_TOPIC);
    [eventarc] = await topic.createSubscription(`${NOTICES_TOPIC}-eventarc`);
    eventarc.on('message', (message: Message) => {
      void front.push('notices', { data: message.data, messageId: message.id }, NOTICES_TOPIC).then(
        (status) => (status < 300 ? message.ack() : message.nack()),
        () => message.nack(),
      );
    });
  }
  try {
    const cold = await renew(world, project, front, b);
    const warm = await renew(world, project, front, b);
    return { cold, warm };
  } finally {
    await eventarc?.close();
    await front.close();
    await project.close();
  }
}

/** One renewal, call after call as the page makes them; the human steps between are not timed. */
async function renew(world: GcpWorld, project: BenchProject, front: CloudFront, b: Build): Promise<Renewal> {
  const load = load1();
  const steps: StepResult[] = [];
  const session: { cookie?: string; csrf?: string } = {};
  const call = async (
    step: (typeof STEPS)[number],
    method: 'GET' | 'POST',
    urlPath: string,
    body?: unknown,
  ) => {
    const answer = await send(front.url, method, urlPath, body, session);
    const served = [...front.served].reverse().find((s) => s.fn === step.fn && s.start >= answer.sentAt - 1);
    if (!served || answer.status >= 300) {
      throw new Error(
        `${step.name}: ${method} ${urlPath} answered ${answer.status} ${answer.body.slice(0, 300)}`,
      );
    }
    steps.push(result(step, served, await front.instance(step.fn), answer.endedAt - answer.sentAt));
    return JSON.parse(answer.body) as Record<string, unknown>;
  };

  if (b.pageWarms) void send(front.url, 'POST', '/status', undefined, {}, { [WARM_UP_HEADER]: '1' });
  const signedIn = await call(STEPS[0], 'POST', '/api/login', { token: world.loginToken(front.url) });
  session.csrf = String(signedIn.csrfToken);
  await call(STEPS[1], 'GET', '/status');
  await sleep(TAP_MS);
  const flow = await call(STEPS[2], 'POST', '/api/request-token', { connection: 'prod' });
  const pin = world.pinFor(String(flow.authorizeUrl));
  await front.idle();
  await sleep(LOGIN_AT_ETRADE_MS);
  const noticesBefore = renewedNotices(world);
  await call(STEPS[3], 'POST', '/api/exchange-pin', { flowId: flow.flowId, pin });
  const answeredAt = performance.now();
  let noticeAfterMs = NaN;
  for (const until = answeredAt + 30_000; performance.now() < until;) {
    if (renewedNotices(world) > noticesBefore) {
      noticeAfterMs = performance.now() - answeredAt;
      break;
    }
    await sleep(5);
  }
  await front.idle();
  void project;
  return { steps, noticeAfterMs, load };
}

function renewedNotices(world: GcpWorld): number {
  return world.bot.sent().filter((m) => String(m.text).includes('token renewed')).length;
}

function result(
  step: (typeof STEPS)[number],
  served: Served,
  instance: Awaited<ReturnType<CloudFront['instance']>>,
  wallMs: number,
): StepResult {
  const window = (names: readonly string[]) => instance?.exchangesOf(names) ?? [];
  const inside = (names: readonly string[]) =>
    window(names).filter((x) => x.kind !== 'handshake' && x.start >= served.start && x.start < served.end)
      .length;
  return {
    step: step.name,
    fn: step.fn,
    wallMs,
    cold: served.cold,
    cpuMs: served.cpuMs,
    rss: served.rss,
    peakRss: served.peakRss,
    googleRoundTrips: sequentialRoundTrips(window(GOOGLE), served.start, served.end),
    etradeCalls: inside(['etrade']),
    telegramCalls: inside(['telegram']),
    ...(served.startupMs !== undefined && { startupMs: served.startupMs }),
  };
}

const total = (r: Renewal) => r.steps.reduce((sum, s) => sum + s.wallMs, 0);
const etradeMs = (r: Renewal) => r.steps.reduce((sum, s) => sum + s.etradeCalls, 0) * ETRADE_MS;
const ours = (r: Renewal) => total(r) - etradeMs(r);

function report(all: readonly Build[], results: Map<string, { cold: Renewal[]; warm: Renewal[] }>): void {
  const ratios: RatioLine[] = [];
  const summary: Record<string, unknown> = {};
  for (const b of all) {
    const r = results.get(b.name);
    if (!r) continue;
    for (const phase of ['cold', 'warm'] as const) {
      const runs = r[phase];
      const rows = STEPS.map(({ name, fn }) => {
        const xs = runs.map((run) => run.steps.find((s) => s.step === name) as StepResult);
        const wall = median(xs.map((x) => x.wallMs));
        return [
          `${name} (${fn})`,
          fixed(wall),
          `${fixed((100 * wall) / median(runs.map(total)))}%`,
          fixed(median(xs.map((x) => x.cpuMs))),
          phase === 'cold' ? fixed(median(xs.map((x) => x.startupMs ?? NaN))) : '-',
          fixed(max(xs.map((x) => x.rss)) / MIB),
          fixed(max(xs.map((x) => x.peakRss)) / MIB),
          fixed(median(xs.map((x) => x.googleRoundTrips))),
          fixed(median(xs.map((x) => x.etradeCalls))),
          fixed(median(xs.map((x) => x.telegramCalls))),
        ];
      });
      say();
      say(`${b.name}, ${phase}: median of ${runs.length} renewals`);
      say(
        table(
          [
            'call (function)',
            'wall ms',
            'share',
            'CPU ms',
            'port ms',
            'RSS MiB',
            'peak MiB',
            'Google RTs',
            'E*TRADE',
            'Telegram',
          ],
          rows,
        ),
      );
      const totals = runs.map(total);
      const ourMs = runs.map(ours);
      const notice = runs.map((x) => x.noticeAfterMs);
      say(
        `total ${fixed(median(totals))} ms (${fixed(Math.min(...totals))}–${fixed(max(totals))}); E*TRADE's own ${fixed(median(runs.map(etradeMs)))} ms;` +
          ` ours ${fixed(median(ourMs))} ms (${fixed(Math.min(...ourMs))}–${fixed(max(ourMs))}); notice reached the chat ${fixed(median(notice))} ms after the answer` +
          (notice.some(Number.isNaN) ? ' (NOT DELIVERED in some runs)' : ''),
      );
      const goal = phase === 'cold' ? GOAL_COLD_MS : GOAL_WARM_MS;
      ratios.push({
        name: `renewal ${b.name} ${phase}: ours beyond E*TRADE (ms)`,
        value: median(ourMs),
        target: `<= ${goal}`,
        pass: median(ourMs) <= goal,
      });
      summary[`${b.name}/${phase}`] = runs;
    }
  }
  if (all.length > 1) {
    const ref = results.get(all[0].name);
    for (const b of all.slice(1)) {
      const other = results.get(b.name);
      if (!ref || !other) continue;
      for (const phase of ['cold', 'warm'] as const) {
        const a = median(ref[phase].map(ours));
        const z = median(other[phase].map(ours));
        say(`${phase}: ${all[0].name}/${b.name} ours = ${fixed(a)} / ${fixed(z)} ms = ${fixed(a / z, 2)}x`);
      }
    }
  }
  const loads = [...results.values()].flatMap((r) => [...r.cold, ...r.warm].map((x) => x.load));
  say(`load avg (1 min) during runs: median ${fixed(median(loads), 2)}, max ${fixed(max(loads), 2)}`);
  writeResult('renewal', ratios, { runs: summary });
}

function port(hostOrUrl: string | undefined): number {
  const match = /:(\d+)\/?$/.exec(hostOrUrl ?? '');
  if (!match) throw new Error(`no port in ${hostOrUrl}`);
  return Number(match[1]);
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly sentAt: number;
  readonly endedAt: number;
}

/** What the page's fetch does: JSON in and out, the session cookie, the CSRF header on POSTs. */
function send(
  base: string,
  method: 'GET' | 'POST',
  urlPath: string,
  body: unknown,
  session: { cookie?: string; csrf?: string },
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(urlPath, base);
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname,
        agent: false,
        headers: {
          accept: 'application/json',
          ...(payload !== undefined && {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(payload)),
          }),
          ...extraHeaders,
          ...(session.cookie && { cookie: session.cookie }),
          ...(method === 'POST' && session.csrf && { 'x-csrf-token': session.csrf }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie']?.[0];
          if (setCookie) session.cookie = setCookie.split(';')[0];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            sentAt,
            endedAt: performance.now(),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`renewal failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
