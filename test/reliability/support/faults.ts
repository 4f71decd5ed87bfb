import { status as grpcStatus } from '@grpc/grpc-js';
import type { SecretManagerRpc } from '../../fakes/secretManagerServer';
import { CANARY_BOT_TOKEN } from '../../support/canaries';
import type { World } from './world';

export const MATRIX_FUNCTIONS = [
  'exchangePin',
  'keepAlive',
  'morningAlert',
  'status',
  'requestToken',
  'force',
] as const;
export type MatrixFunction = (typeof MATRIX_FUNCTIONS)[number];

/** One way the world can fail, switched on just before the function runs and off before recovery. */
export interface FaultSpec {
  readonly id: string;
  /** Where the fault lives decides the composition: GCP faults on the GCP adapters. */
  readonly world: 'local' | 'gcp';
  readonly telegram?: boolean;
  on(world: World, fn: MatrixFunction): Promise<void> | void;
  off(world: World): Promise<void> | void;
}

/** The E*TRADE endpoints only: the simulator's login page (the human's browser) keeps working. */
const ETRADE_API = /^\/(oauth|v1)\//;
/** Longer than the client's per-attempt timeout (world.ts), so every attempt times out. */
const ETRADE_STALL_MS = 600;
/** Slower than usual, but well inside the client's deadline. */
const SECRET_MANAGER_SLOW_MS = 150;
const TELEGRAM_SLOW_MS = 300;
/** Enough queued Bot API failures for every message of a run; the rest are drained by `off`. */
const TELEGRAM_FAILURES = 8;

const etrade = (id: string, fault: Parameters<World['etrade']['sim']['inject']>[0]): FaultSpec => ({
  id,
  world: 'local',
  on: (world) => world.etrade.sim.inject(fault),
  off: (world) => world.etrade.sim.clearFaults(),
});

/** The Secret Manager call each function makes first on a warm instance (config secrets are cached). */
function firstRpcs(fn: MatrixFunction): SecretManagerRpc[] {
  return fn === 'exchangePin' ? ['AddSecretVersion', 'ListSecretVersions'] : ['AccessSecretVersion'];
}

export const FAULTS: readonly FaultSpec[] = [
  etrade('etrade 5xx', { kind: 'status', status: 503, times: Infinity, path: ETRADE_API }),
  etrade('etrade timeout', { kind: 'delay', ms: ETRADE_STALL_MS, times: Infinity, path: ETRADE_API }),
  etrade('token_rejected', {
    kind: 'problem',
    problem: 'token_rejected',
    times: Infinity,
    path: ETRADE_API,
  }),
  etrade('token_expired', { kind: 'problem', problem: 'token_expired', times: Infinity, path: ETRADE_API }),
  etrade('rate-limited', { kind: 'rateLimit', times: Infinity, path: ETRADE_API }),
  etrade('renew 200 but dead', { kind: 'renewButDead' }),
  {
    id: 'firestore down',
    world: 'gcp',
    on: (world, fn) => {
      const ledger = world.firestore!;
      if (fn !== 'exchangePin') {
        ledger.down = true;
        return;
      }
      // The hard moment: E*TRADE issued the token and the vault stored it; the commit cannot land.
      const vault = world.ctx.vault;
      const put = vault.putTokenPair.bind(vault);
      jest.spyOn(vault, 'putTokenPair').mockImplementation(async (...args) => {
        const version = await put(...args);
        ledger.down = true;
        return version;
      });
    },
    off: (world) => {
      world.firestore!.down = false;
      jest.restoreAllMocks();
    },
  },
  {
    id: 'secret manager down',
    world: 'gcp',
    on: (world) => world.secretManager!.proxy.down(),
    off: (world) => world.secretManager!.proxy.restore(),
  },
  {
    id: 'secret manager blip',
    world: 'gcp',
    on: (world, fn) => world.secretManager!.fake.failNext(firstRpcs(fn)[0], grpcStatus.UNAVAILABLE),
    off: () => undefined,
  },
  {
    id: 'secret manager slow',
    world: 'gcp',
    on: (world, fn) => {
      for (const rpc of firstRpcs(fn)) world.secretManager!.fake.delayNext(rpc, SECRET_MANAGER_SLOW_MS);
    },
    off: () => undefined,
  },
  {
    id: 'pubsub down',
    world: 'gcp',
    on: (world) => world.backbone!.pubsubProxy.down(),
    off: (world) => world.backbone!.pubsubProxy.restore(),
  },
  {
    id: 'telegram down',
    world: 'local',
    telegram: true,
    on: (world) => world.bot!.failWith(502, 'Bad Gateway', TELEGRAM_FAILURES),
    off: (world) => drainBotFaults(world),
  },
  {
    id: 'telegram slow',
    world: 'local',
    telegram: true,
    on: (world) => world.bot!.faults.push({ kind: 'delay', ms: TELEGRAM_SLOW_MS }, TELEGRAM_FAILURES),
    off: (world) => drainBotFaults(world),
  },
];

/** Faults a run did not use up would hit the recovery: spend them on harmless getMe calls. */
async function drainBotFaults(world: World): Promise<void> {
  const bot = world.bot!;
  const getMe = () =>
    fetch(`${bot.url}/bot${CANARY_BOT_TOKEN}/getMe`, { method: 'POST' }).then((r) => r.text());
  await Promise.all(Array.from({ length: bot.faults.pending }, getMe));
}
