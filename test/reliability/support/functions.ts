import type { MatrixFunction } from './faults';
import type { World } from './world';

const MINUTE = 60_000;

/** What one run of a function did, as the caller (the page or Pub/Sub) sees it. */
export interface RunResult {
  /** HTTP status, or functions-framework's answer to a CloudEvent (204 done, 500 redeliver). */
  readonly status: number;
  /** The JSON error's code, for HTTP errors. */
  readonly code?: string;
  /** The use case's own verdict: keep-alive outcomes per tick, the morning alert's reason, a state. */
  readonly outcome?: string;
}

export interface FunctionCase {
  readonly id: MatrixFunction;
  /** Wednesday 08:30 ET, a trading morning; the morning alert starts the day before. */
  readonly startAt: string;
  /** The state before the fault: a good token, the clock where the function has work to do. */
  prepare(world: World): Promise<unknown>;
  run(world: World, prepared: unknown): Promise<RunResult>;
  /** The same function again, fault cleared: what the next scheduled run or retry does. */
  again(world: World): Promise<RunResult>;
  /** E*TRADE's state of the token once recovered (the morning alert only asks a human to renew). */
  readonly recoveredSim?: 'expired';
}

const WEDNESDAY_0830_ET = '2026-11-25T13:30:00Z';
/** Scheduled keep-alive ticks run under the fault: enough to reach the warning threshold (3). */
export const KEEP_ALIVE_TICKS = 4;

function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } } | undefined)?.error?.code;
}

/** The prod connection's keep-alive outcomes logged since line `from`, e.g. `failed:ERR_TRANSIENT`. */
function keepAliveOutcomes(world: World, from: number): string[] {
  return world.logs
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.message === 'keepalive.connection' && entry.connection === 'prod')
    .map((entry) => (entry.code ? `${entry.outcome}:${entry.code}` : String(entry.outcome)));
}

/** `a, a, a, b` → `a ×3, b`: the ticks' outcomes, readable in one table cell. */
function runs(outcomes: readonly string[]): string {
  const groups: [string, number][] = [];
  for (const outcome of outcomes) {
    const last = groups.at(-1);
    if (last?.[0] === outcome) last[1] += 1;
    else groups.push([outcome, 1]);
  }
  return groups.map(([outcome, n]) => (n > 1 ? `${outcome} ×${n}` : outcome)).join(', ');
}

async function tick(world: World): Promise<RunResult> {
  const from = world.logs.length;
  const status = await world.fx.deliver('keepAlive', {});
  return { status, outcome: keepAliveOutcomes(world, from).join(' ') };
}

async function force(world: World): Promise<RunResult> {
  const answer = await world.fx.call('actions', '/keepalive/force', { body: {}, credentials: world.trader });
  const prod = (
    answer.body as { connections?: { connectionId: string; outcome: string; errorCode?: string }[] }
  ).connections?.find((c) => c.connectionId === 'prod');
  const outcome = prod && (prod.errorCode ? `${prod.outcome}:${prod.errorCode}` : prod.outcome);
  return { status: answer.status, code: errorCode(answer.body), outcome };
}

async function status(world: World): Promise<RunResult> {
  const answer = await world.fx.call('status', '/status', { credentials: world.trader });
  const prod = (answer.body as { connections?: { id: string; state: string }[] }).connections?.find(
    (c) => c.id === 'prod',
  );
  return { status: answer.status, code: errorCode(answer.body), outcome: prod?.state };
}

async function morning(world: World): Promise<RunResult> {
  const from = world.logs.length;
  const answer = await world.fx.deliver('morningAlert', {});
  const done = world.logs
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((entry) => entry.message === 'morningAlert.done');
  return { status: answer, outcome: done ? String(done.reason) : undefined };
}

async function requestToken(world: World): Promise<RunResult> {
  const answer = await world.fx.call('requestToken', '/api/request-token', {
    body: { connection: 'prod' },
    credentials: world.trader,
  });
  return { status: answer.status, code: errorCode(answer.body) };
}

function exchanged(answer: { status: number; body: unknown }): RunResult {
  const generation = (answer.body as { generation?: number }).generation;
  const outcome = generation === undefined ? undefined : `gen ${generation}`;
  return { status: answer.status, code: errorCode(answer.body), outcome };
}

async function renewal(world: World): Promise<RunResult> {
  return exchanged(await world.exchange(await world.startFlow()));
}

/** A good token, then idle (no call for 2 h): the keep-alive must renew and prove it. */
async function idleToken(world: World): Promise<void> {
  await world.renew();
  world.advance(121 * MINUTE);
}

export const FUNCTION_CASES: Readonly<Record<MatrixFunction, FunctionCase>> = {
  exchangePin: {
    id: 'exchangePin',
    startAt: WEDNESDAY_0830_ET,
    prepare: async (world) => {
      await world.renew();
      world.advance(10 * MINUTE);
      // The human has logged in and holds a PIN when the fault starts.
      return world.startFlow();
    },
    run: async (world, flow) => exchanged(await world.exchange(flow as { flowId: string; pin: string })),
    again: renewal,
  },
  keepAlive: {
    id: 'keepAlive',
    startAt: WEDNESDAY_0830_ET,
    prepare: idleToken,
    run: async (world) => {
      const results: RunResult[] = [];
      for (let i = 0; i < KEEP_ALIVE_TICKS; i++) {
        if (i > 0) world.advance(15 * MINUTE);
        results.push(await tick(world));
      }
      const statuses = new Set(results.map((r) => r.status));
      return {
        status: statuses.size === 1 ? results[0].status : -1,
        outcome: runs(results.map((r) => r.outcome ?? '?')),
      };
    },
    again: async (world) => {
      world.advance(15 * MINUTE);
      return tick(world);
    },
  },
  morningAlert: {
    id: 'morningAlert',
    startAt: '2026-11-24T15:00:00Z', // Tuesday 10:00 ET: yesterday's token dies at midnight
    prepare: async (world) => {
      await world.renew();
      world.at(WEDNESDAY_0830_ET);
      await world.signIn();
    },
    run: morning,
    again: morning,
    recoveredSim: 'expired',
  },
  status: {
    id: 'status',
    startAt: WEDNESDAY_0830_ET,
    prepare: async (world) => {
      await world.renew();
      world.advance(30 * MINUTE);
    },
    run: status,
    again: status,
  },
  requestToken: {
    id: 'requestToken',
    startAt: WEDNESDAY_0830_ET,
    prepare: (world) => world.renew(),
    run: requestToken,
    again: requestToken,
  },
  force: {
    id: 'force',
    startAt: WEDNESDAY_0830_ET,
    prepare: idleToken,
    run: force,
    again: force,
  },
};
