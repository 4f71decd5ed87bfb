/**
 * Cold start: for each function, a fresh process loads what is deployed (the deploy bundle's loader,
 * .deploy/app/bundle/index.js: the function's bundle and its V8 code cache, infra/bundle.mjs) through
 * functions-framework's CLI entry and serves its first request, configured for GCP from the
 * environment alone; against floors that load only the clients the function needs. Also the peak RSS of
 * each process and what it loaded. `node bench/run.mjs coldStart`; BENCH_COLD_REPS (default 7),
 * BENCH_COLD_VARIANTS (default `ours,floor,floor+io`; add `unbundled`, `entry`, `unmounted` or a variant of
 * BENCH_COLD_ENTRIES / BENCH_COLD_VARIANT_ENV for A/B experiments: see `sourceOf`).
 * Each of our processes gets what infra/ adds to that function's environment: its mounted configuration
 * secrets (`SECRET_…`) and its runtime settings (NODE_OPTIONS); the floors get the runtime settings
 * too, so a ratio compares code with code (test/support/deployedEnv.ts).
 */
import path from 'node:path';

import { nyseCalendar } from '../shared/calendar';
import { nextMorningAlert } from '../shared/status/statusReport';
import { FunctionProcess, type FirstRequest, type SignatureType } from './support/functionProcess';
import { BOT_TOKEN, CHAT_ID, GcpWorld, WEBHOOK_SECRET, type BenchProject } from './support/gcpWorld';
import { deployedEnv, type DeployedEnv } from '../test/support/deployedEnv';
import { summarise, type ModuleSummary } from './support/modules';
import { deadline, load1, loadNote, say, table, writeResult, type RatioLine } from './support/report';
import { MIB, fixed, max, median, percentile } from './support/stats';

const ROOT = path.resolve(__dirname, '..', '..');
/** What infra/deploy.sh deploys: the function's bundle and its code cache (bench/run.mjs builds it). */
const ENTRY = path.join(ROOT, '.deploy', 'app', 'bundle', 'index.js');
/** The tsc build's entry point (npm start, the tests): what was deployed before the bundles. */
const UNBUNDLED = path.join(ROOT, 'dist', 'functions', 'index.js');
const FLOOR = path.join(__dirname, 'floor', 'floorFunctions.js');
/** vs the import-only floor (an earlier issue's target), and vs floor+io (issue 13: ≤ 1.10×). */
const TARGET_RATIO = 1.15;
const TARGET_RATIO_IO = 1.1;
const TARGET_RSS = 128 * MIB;

type Client = 'firestore' | 'secret-manager' | 'pubsub' | 'axios' | 'telegraf';
interface FunctionCase {
  readonly name: string;
  /** Run the process's clock this far ahead (see childPreload.ts). */
  readonly clockOffsetMs?: () => number;
  readonly signature: SignatureType;
  /**
   * What the first request needs, strictly: the floor loads exactly these. Configuration secrets are
   * mounted as environment variables (infra/functions.tf), so only a function that reads or writes a
   * token pair (the vault) needs the Secret Manager client.
   */
  readonly clients: readonly Client[];
  /**
   * The first request changes what the next one would do (claims the day's reminder, records a use
   * at most once a minute): each variant then gets a fresh project, or only the first would work.
   */
  readonly statefulFirstRequest?: boolean;
  readonly request: (p: BenchProject, world: GcpWorld) => Promise<FirstRequest>;
}

const json = (body: unknown) => JSON.stringify(body);
let updates = 0;

function apiCall(
  world: GcpWorld,
  method: 'GET' | 'POST',
  urlPath: string,
  body?: unknown,
  expect = [200],
): FirstRequest {
  return {
    method,
    path: urlPath,
    headers: {
      authorization: `Bearer ${world.apiKey}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : json(body),
    expect,
  };
}

/** A Pub/Sub push as Eventarc delivers it to a CloudEvent function (binary mode). */
function pubSubPush(topic: string, payload: Record<string, unknown>): FirstRequest {
  const messageId = `bench-${Date.now()}-${++updates}`;
  return {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/json',
      'ce-id': messageId,
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/bench/topics/${topic}`,
    },
    body: json({ message: { data: Buffer.from(json(payload)).toString('base64'), messageId } }),
    expect: [200, 204],
  };
}

const CASES: readonly FunctionCase[] = [
  {
    name: 'requestToken',
    signature: 'http',
    clients: ['firestore', 'axios'],
    request: async (_p, w) => apiCall(w, 'POST', '/api/request-token', { connection: 'prod' }, [201]),
  },
  {
    name: 'exchangePin',
    signature: 'http',
    clients: ['firestore', 'secret-manager', 'axios', 'pubsub', 'telegraf'],
    request: async (p, w) => apiCall(w, 'POST', '/api/exchange-pin', await p.pendingFlow('prod')),
  },
  {
    name: 'status',
    signature: 'http',
    clients: ['firestore'],
    request: async (_p, w) => apiCall(w, 'GET', '/status'),
  },
  {
    name: 'actions',
    signature: 'http',
    clients: ['firestore'],
    statefulFirstRequest: true,
    request: async (_p, w) => apiCall(w, 'POST', '/touch', { connection: 'prod' }),
  },
  {
    name: 'telegramWebhook',
    signature: 'http',
    clients: ['firestore', 'telegraf'],
    request: async () => ({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: json({
        update_id: Date.now() * 10 + (++updates % 10),
        message: { message_id: 1, date: 0, chat: { id: Number(CHAT_ID), type: 'private' }, text: '/status' },
      }),
      expect: [200],
    }),
  },
  {
    name: 'keepAlive',
    signature: 'cloudevent',
    clients: ['firestore', 'secret-manager', 'axios'],
    request: async () => pubSubPush('keepalive-tick', { force: true }),
  },
  {
    name: 'morningAlert',
    signature: 'cloudevent',
    clients: ['firestore', 'telegraf'],
    statefulFirstRequest: true,
    // 08:31 ET on a trading day after the seeded token's: inside the reminder's window, with prod not
    // renewed that day, so it reads the ledger, claims the day and sends the reminder.
    clockOffsetMs: () => {
      const tomorrow = new Date(Date.now() + 24 * 3_600_000);
      return nextMorningAlert({ calendar: nyseCalendar() }, tomorrow).getTime() + 60_000 - Date.now();
    },
    request: async () => pubSubPush('morning-tick', {}),
  },
];

/**
 * ours: the deployed bundle. floor / floor+io: bench/floor. unbundled: the tsc build's entry point
 * (dist/functions/index.js, deployed before the bundles). entry: the function's own file
 * (dist/functions/<name>.js). unmounted: ours without the
 * mounted secrets (every secret from Secret Manager, as before they were mounted). Any other name is an
 * entry point given in BENCH_COLD_ENTRIES (`name=/abs/path/index.js,…`), for A/B builds of a change,
 * and/or the deployed entry point with extra environment from BENCH_COLD_VARIANT_ENV
 * (`name:KEY=value&KEY2=value;name2:…`), for A/B settings; `floor~name` and `floor+io~name` are the
 * floors with that environment.
 */
type Variant = string;
const EXTRA_ENTRIES = new Map(
  (process.env.BENCH_COLD_ENTRIES ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
);
const VARIANT_ENV = new Map(
  (process.env.BENCH_COLD_VARIANT_ENV ?? '')
    .split(';')
    .filter(Boolean)
    .map((spec) => {
      const [name, settings = ''] = spec.split(':');
      const env = settings.split('&').filter(Boolean);
      return [
        name,
        Object.fromEntries(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
      ];
    }),
);
/** `floor`, `floor+io`, and either with a `~name` suffix: the same floor with BENCH_COLD_VARIANT_ENV's `name…`. */
const isFloor = (variant: Variant) => /^floor(\+io)?(~|$)/.test(variant);

function sourceOf(variant: Variant, fn: FunctionCase): string {
  if (variant === 'ours' || variant === 'unmounted') return ENTRY;
  if (variant === 'entry') return path.join(ROOT, 'dist', 'functions', `${fn.name}.js`);
  if (variant === 'unbundled') return UNBUNDLED;
  if (isFloor(variant)) return FLOOR;
  const entry = EXTRA_ENTRIES.get(variant) ?? (VARIANT_ENV.has(variant) ? ENTRY : undefined);
  if (!entry)
    throw new Error(`unknown variant ${variant} (not in BENCH_COLD_ENTRIES or BENCH_COLD_VARIANT_ENV)`);
  return entry;
}

interface Sample {
  readonly answerMs: number;
  readonly readyMs: number;
  readonly peakRss: number;
  readonly load: number;
}

async function main(): Promise<void> {
  const timer = deadline(240_000, 'coldStart');
  const reps = Number(process.env.BENCH_COLD_REPS ?? 7);
  const variants = (process.env.BENCH_COLD_VARIANTS ?? 'ours,floor,floor+io').split(',');
  const only = process.env.BENCH_COLD_FUNCTIONS?.split(',');
  const cases = CASES.filter((c) => !only || only.includes(c.name));
  say(`cold start: ${cases.length} functions x ${reps} runs x [${variants.join(', ')}]; ${loadNote()}`);

  const deployed = await deployedEnv(ROOT);
  const world = await GcpWorld.start();
  const samples = new Map<string, Sample[]>();
  const modules = new Map<string, ModuleSummary>();
  const effects = new Map<string, string>();
  try {
    // One throwaway start wakes the emulators' JVMs and the disk cache before anything is timed.
    await coldStart(world, deployed, cases[0], 'ours', await world.project(), 'warm-up');
    if (process.env.BENCH_COLD_TRACE === '1') {
      // Diagnosis only, not in the figures: where the time of one start goes, per variant.
      for (const fn of cases) {
        const project = await world.project();
        for (const variant of variants) await coldStart(world, deployed, fn, variant, project, 'trace');
        await project.close();
      }
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const fn of cases) {
        const shared = fn.statefulFirstRequest ? undefined : await world.project();
        // Rotate the order so a drifting machine favours no variant.
        const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
        for (const variant of order) {
          const project = shared ?? (await world.project());
          const before = { sim: world.sim.requests.length, bot: world.bot.sent().length };
          const run = await coldStart(world, deployed, fn, variant, project, rep === 0 ? 'dump' : 'no-dump');
          if (!shared) await project.close();
          const key = `${fn.name}/${variant}`;
          samples.set(key, [...(samples.get(key) ?? []), run.sample]);
          if (run.modules) modules.set(key, run.modules);
          if (variant === 'ours' && rep === 0) {
            const calls = `E*TRADE calls ${world.sim.requests.length - before.sim}, Telegram messages ${world.bot.sent().length - before.bot}`;
            effects.set(fn.name, run.done ? `${calls}; log ${run.done}` : calls);
          }
        }
        await shared?.close();
      }
    }
  } finally {
    await world.close();
    clearTimeout(timer);
  }
  report(cases, variants, samples, modules, effects);
}

async function coldStart(
  world: GcpWorld,
  deployed: DeployedEnv,
  fn: FunctionCase,
  variant: Variant,
  project: BenchProject,
  mode: 'dump' | 'no-dump' | 'warm-up' | 'trace',
): Promise<{ sample: Sample; modules?: ModuleSummary; done?: string }> {
  const floor = isFloor(variant);
  const asked = await fn.request(project, world);
  // A floor answers hello-world to the same request.
  const request = floor ? { ...asked, expect: [200, 204] } : asked;
  const load = load1();
  const proc = await FunctionProcess.spawn({
    source: sourceOf(variant, fn),
    target: fn.name,
    signature: fn.signature,
    env: {
      ...world.env(project.id),
      ...deployed.runtime(fn.name),
      ...(!floor && variant !== 'unmounted' && deployed.secrets(fn.name, (id) => world.configSecrets[id])),
      ...VARIANT_ENV.get(variant.replace(/^floor(\+io)?~/, '')),
      FUNCTION_SIGNATURE_TYPE: fn.signature,
      ...(fn.clockOffsetMs && { BENCH_CLOCK_OFFSET_MS: String(fn.clockOffsetMs()) }),
      ...(mode === 'trace' && { BENCH_TRACE_LOADS: '1' }),
      ...(floor && {
        BENCH_FLOOR_CLIENTS: fn.clients.join(','),
        BENCH_FLOOR_IO: variant.startsWith('floor+io') ? '1' : '',
        BENCH_BOT_TOKEN: BOT_TOKEN,
      }),
    },
  });
  try {
    const answer = await proc.firstRequest(request);
    const { peakRss } = proc.memory();
    const sample = { answerMs: answer.answerMs, readyMs: answer.readyMs, peakRss, load };
    const done = /"message":"\w+\.done".*$/m.exec(proc.logTail(20_000))?.[0];
    if (mode === 'trace') {
      const { trace } = await proc.dump();
      const steps = trace.map(([what, at, took]) => `${what}@${at}${took ? `+${took}` : ''}`);
      say(`trace ${fn.name} ${variant}: answered at ${fixed(answer.answerMs)} ms; ${steps.join(' ')}`);
    }
    if (mode !== 'dump') return { sample, done };
    return { sample, done, modules: summarise((await proc.dump()).modules) };
  } finally {
    await proc.stop();
  }
}

function report(
  cases: readonly FunctionCase[],
  variants: readonly Variant[],
  samples: Map<string, Sample[]>,
  modules: Map<string, ModuleSummary>,
  effects: Map<string, string>,
): void {
  const ratios: RatioLine[] = [];
  const get = (fn: string, v: Variant) => samples.get(`${fn}/${v}`) ?? [];
  const ms = (s: Sample[]) => s.map((x) => x.answerMs);
  // Ratios are of `ours` (or, in an A/B run without it, the first non-floor variant) to each other one.
  const reference = variants.includes('ours') ? 'ours' : (variants.find((v) => !isFloor(v)) ?? variants[0]);
  const others = variants.filter((v) => v !== reference);
  const rows = cases.map((fn) => {
    const ref = ms(get(fn.name, reference));
    const cells = [fn.name];
    for (const v of variants) {
      const xs = get(fn.name, v);
      const ready = median(xs.map((x) => x.readyMs));
      cells.push(`${fixed(median(ms(xs)))} / ${fixed(percentile(ms(xs), 90))} (${fixed(ready)})`);
    }
    for (const v of others) {
      const ratio = median(ref) / median(ms(get(fn.name, v)));
      cells.push(fixed(ratio, 2));
      if (isFloor(v)) {
        const name = `coldStart ${fn.name} ${reference}/${v} (median)`;
        const target = v.startsWith('floor+io') ? TARGET_RATIO_IO : TARGET_RATIO;
        ratios.push({ name, value: ratio, target: `<= ${target}`, pass: ratio <= target });
      }
    }
    const rss = max(get(fn.name, reference).map((x) => x.peakRss));
    cells.push(fixed(rss / MIB));
    const rssName = `peak RSS ${fn.name} ${reference} cold (MiB)`;
    ratios.push({ name: rssName, value: rss / MIB, target: '<= 128', pass: rss <= TARGET_RSS });
    return cells;
  });
  say();
  say('ms from spawn to first response: median / p90 (median ms until the port accepted)');
  say(
    table(
      ['function', ...variants, ...others.map((v) => `${reference}/${v}`), `${reference} peak RSS MiB`],
      rows,
    ),
  );
  const loads = [...samples.values()].flat().map((s) => s.load);
  say(`load avg (1 min) during runs: median ${fixed(median(loads), 2)}, max ${fixed(max(loads), 2)}`);
  say();
  say('what each process had loaded after its first request');
  const modRows: string[][] = [];
  for (const fn of cases) {
    for (const v of variants) {
      const m = modules.get(`${fn.name}/${v}`);
      if (!m) continue;
      const rss = max(get(fn.name, v).map((x) => x.peakRss));
      modRows.push([
        `${fn.name} ${v}`,
        String(m.total),
        fixed(rss / MIB),
        m.heavy.join(' '),
        m.app.join(' '),
      ]);
    }
  }
  say(table(['process', 'modules', 'peak RSS MiB', 'heavy packages', 'watched app modules'], modRows));
  say();
  for (const [fn, effect] of effects) say(`first request of ${fn} (ours): ${effect}`);
  const top = modules.get(`status/${reference}`);
  if (top) {
    const byPkg = Object.entries(top.byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12);
    say(`status (${reference}) modules by package: ${byPkg.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  writeResult('coldStart', ratios, {
    samples: Object.fromEntries(samples),
    modules: Object.fromEntries(
      [...modules].map(([k, m]) => [k, { total: m.total, heavy: m.heavy, app: m.app }]),
    ),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`coldStart failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
