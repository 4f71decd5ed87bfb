import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { secretEnvVar } from '../../shared/adapters/gcp/envSecretReader';
import { defaultConsumerSecretId } from '../../shared/config';

/** HCL → JSON; required untyped because its .d.ts pulls the DOM lib into every test's types. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { parse } = require('@cdktf/hcl2json') as { parse(file: string, text: string): Promise<unknown> };

type Needs = Record<string, boolean | string>;

/** What infra/ adds to one function's environment, besides the settings a test or benchmark chooses. */
export interface DeployedEnv {
  /** `SECRET_…` for each configuration secret mounted into the function, valued by `value(secretId)`. */
  secrets(functionName: string, value: (secretId: string) => string | undefined): Record<string, string>;
  /** The function's own runtime settings (`local.function_env_extra`), e.g. NODE_OPTIONS. */
  runtime(functionName: string): Record<string, string>;
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
    };
  const locals: Record<string, unknown> = Object.assign({}, ...((await hcl('locals.tf')).locals ?? []));
  const variables = (await hcl('variables.tf')).variable ?? {};
  const resolve = (value: string): string => {
    const match = /^\$\{local\.(\w+)\}$/.exec(value);
    return match ? String(locals[match[1]]) : value;
  };
  const needSecrets = locals.need_secrets as Record<string, string[]>;
  const functions = locals.functions as Record<string, Needs>;
  const extra = (locals.function_env_extra ?? {}) as Record<string, Record<string, string>>;
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
      return { ...extra[name] };
    },
  };
}
