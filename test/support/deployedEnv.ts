import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { secretEnvVar } from '../../shared/adapters/gcp/envSecretReader';
import { defaultConsumerSecretId } from '../../shared/config';

/** HCL → JSON; required untyped because its .d.ts pulls the DOM lib into every test's types. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { parse } = require('@cdktf/hcl2json') as { parse(file: string, text: string): Promise<unknown> };

type Needs = Record<string, boolean | string | number>;

/** What infra/ adds to one function's environment, besides the settings a test or benchmark chooses. */
export interface DeployedEnv {
  /** `SECRET_…` for each configuration secret mounted into the function, valued by `value(secretId)`. */
  secrets(functionName: string, value: (secretId: string) => string | undefined): Record<string, string>;
  /**
   * The function's runtime settings: the literal part of every function's environment
   * (`local.function_env`: USE_GCP, NODE_ENV, WARM_UP) and its own (`local.function_env_extra`, e.g.
   * NODE_OPTIONS).
   */
  runtime(functionName: string): Record<string, string>;
  /** What an instance of the function gets (functions.tf's service_config, evaluated for it). */
  service(functionName: string): DeployedService;
}

export interface DeployedService {
  /** vCPU: `available_cpu`, or what Cloud Functions gives the memory when it is unset. */
  readonly cpu: number;
  readonly cpuSet: boolean;
  readonly memoryMiB: number;
  /** Requests one instance serves at once (`max_instance_request_concurrency`, default 1). */
  readonly concurrency: number;
  readonly minInstances: number;
  readonly maxInstances: number;
}

/**
 * The vCPU Cloud Functions (2nd gen) gives an instance by its memory when `available_cpu` is unset
 * (https://cloud.google.com/functions/docs/configuring/memory).
 */
export const DEFAULT_CPU_BY_MEMORY_MIB: readonly (readonly [number, number])[] = [
  [128, 0.083],
  [256, 0.167],
  [512, 0.333],
  [1024, 0.583],
  [2048, 1],
  [4096, 2],
  [8192, 2],
  [16384, 4],
  [32768, 8],
];

/** "256M", "512Mi", "1G", "1Gi" → MiB (Cloud Functions reads M and G as MiB and GiB here too). */
export function memoryMiB(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(Mi?|Gi?)$/.exec(value.trim());
  if (!match) throw new Error(`unreadable available_memory ${JSON.stringify(value)}`);
  return Number(match[1]) * (match[2].startsWith('G') ? 1024 : 1);
}

export function defaultCpu(memory: number): number {
  const tier = DEFAULT_CPU_BY_MEMORY_MIB.find(([mib]) => memory <= mib);
  if (!tier) throw new Error(`no default CPU for ${memory} MiB`);
  return tier[1];
}

/**
 * Read from the Terraform itself (locals.functions' needs, locals.need_secrets, the default connections,
 * Slack off, locals.function_env_extra): what `local.mounted_secrets[name]` and the extra environment
 * evaluate to. test/infra/deployment.test.ts pins those expressions' parts, so a function process started
 * with this environment (the benchmarks, the module-loading test) gets what a deployed instance gets.
 */
export async function deployedEnv(root = path.resolve(__dirname, '..', '..')): Promise<DeployedEnv> {
  const hcl = async (file: string) =>
    (await parse(file, await readFile(path.join(root, 'infra', file), 'utf8'))) as {
      locals?: Record<string, unknown>[];
      variable?: Record<string, { default?: unknown }[]>;
      resource?: Record<string, Record<string, Record<string, unknown>[]>>;
    };
  const locals: Record<string, unknown> = Object.assign({}, ...((await hcl('locals.tf')).locals ?? []));
  const variables = (await hcl('variables.tf')).variable ?? {};
  const resolve = (value: string): string => {
    const match = /^\$\{local\.(\w+)\}$/.exec(value);
    return match ? String(locals[match[1]]) : value;
  };
  const serviceConfig = (
    (await hcl('functions.tf')).resource?.google_cloudfunctions2_function?.function?.[0]?.service_config as
      Record<string, unknown>[] | undefined
  )?.[0];
  if (!serviceConfig) throw new Error('functions.tf has no google_cloudfunctions2_function.function');
  const needSecrets = locals.need_secrets as Record<string, string[]>;
  const functions = locals.functions as Record<string, Needs>;
  const extra = (locals.function_env_extra ?? {}) as Record<string, Record<string, string>>;
  // Every function's environment, as far as it is written literally (USE_GCP, NODE_ENV, WARM_UP…);
  // values computed from other resources (topic names, the project) are the caller's to supply.
  const literalEnv = Object.fromEntries(
    Object.entries((locals.function_env ?? {}) as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && !entry[1].includes('${'),
    ),
  );
  const connections = variables.connections[0].default as { id: string }[];
  const slack = variables.slack_enabled[0].default === true;
  const needs = (name: string): Needs => {
    const found = functions[name];
    if (!found) throw new Error(`infra deploys no function ${name}`);
    return found;
  };

  const mounted = (name: string): string[] => {
    const flags = needs(name);
    const ids = Object.keys(needSecrets)
      .filter((need) => flags[need] === true)
      .flatMap((need) => needSecrets[need].map(resolve));
    if (flags.consumer === true) ids.push(...connections.map((c) => defaultConsumerSecretId(c.id)));
    return [...new Set(ids)].filter((id) => slack || id !== resolve('${local.slack_webhook_secret}'));
  };
  return {
    secrets: (name, value) => {
      const env: Record<string, string> = {};
      for (const id of mounted(name)) {
        const found = value(id);
        // Cloud Functions would not start an instance whose mounted secret has no version.
        if (found === undefined) throw new Error(`${name} mounts ${id}, which holds no value here`);
        env[secretEnvVar(id)] = found;
      }
      return env;
    },
    runtime: (name) => {
      needs(name);
      return { ...literalEnv, ...extra[name] };
    },
    service: (name) => {
      const flags = needs(name);
      const setting = (key: string): unknown => evaluate(serviceConfig[key], name, flags, locals);
      const memory = memoryMiB(String(setting('available_memory') ?? '256M'));
      const cpu = setting('available_cpu');
      return {
        cpu: cpu === undefined ? defaultCpu(memory) : Number(cpu),
        cpuSet: cpu !== undefined,
        memoryMiB: memory,
        concurrency: Number(setting('max_instance_request_concurrency') ?? 1),
        minInstances: Number(setting('min_instance_count') ?? 0),
        maxInstances: Number(setting('max_instance_count') ?? 100),
      };
    },
  };
}

/**
 * One service_config value for one function: a literal, or one of the few expressions functions.tf
 * uses for per-function settings: `${each.value.x}`, `${local.m[each.key]}`, `${local.m[each.key].x}`,
 * `${lookup(local.m, each.key, default)}` (and `.x` after it).
 */
function evaluate(value: unknown, name: string, flags: Needs, locals: Record<string, unknown>): unknown {
  if (typeof value !== 'string' || !value.startsWith('${')) return value;
  const expr = value.slice(2, -1).trim();
  const field = (object: unknown, key: string | undefined): unknown =>
    key === undefined ? object : (object as Record<string, unknown> | undefined)?.[key];
  let m = /^each\.value\.(\w+)$/.exec(expr);
  if (m) return flags[m[1]];
  m = /^local\.(\w+)\[each\.key\](?:\.(\w+))?$/.exec(expr);
  if (m) return field((locals[m[1]] as Record<string, unknown>)[name], m[2]);
  m = /^lookup\(local\.(\w+),\s*each\.key,\s*(.+)\)(?:\.(\w+))?$/.exec(expr);
  if (m) {
    const map = locals[m[1]] as Record<string, unknown>;
    const fallback: unknown = JSON.parse(m[2]);
    return field(name in map ? map[name] : fallback, m[3]);
  }
  throw new Error(`deployedEnv cannot evaluate ${value} (functions.tf's service_config)`);
}
