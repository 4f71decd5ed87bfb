/** Packages whose presence in a function process is worth a column: the cold-start weights. */
export const HEAVY_PACKAGES = [
  '@google-cloud/firestore',
  '@google-cloud/secret-manager',
  '@google-cloud/pubsub',
  'google-gax',
  '@grpc/grpc-js',
  'protobufjs',
  'telegraf',
  'axios',
  'date-fns',
  'express',
] as const;

/** Our own modules that only some functions should reach. */
export const WATCHED_APP_MODULES = {
  vaultWrite: 'shared/adapters/gcp/secretManagerVault.js',
  pubSubBus: 'shared/adapters/gcp/pubSubEventBus.js',
  telegrafNotifier: 'shared/adapters/telegram/telegrafNotifier.js',
  etradeClient: 'shared/etrade/client.js',
} as const;

export interface ModuleSummary {
  readonly total: number;
  /** Modules per top-level package; `(app)` for files outside node_modules. */
  readonly byPackage: Record<string, number>;
  readonly heavy: string[];
  readonly app: string[];
}

/** The package a module path belongs to: the last `node_modules/<pkg>` segment. */
export function packageOf(file: string): string {
  const matches = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  return matches ? matches[matches.length - 1].slice('node_modules/'.length) : '(app)';
}

export function summarise(modules: readonly string[]): ModuleSummary {
  const byPackage: Record<string, number> = {};
  for (const file of modules) byPackage[packageOf(file)] = (byPackage[packageOf(file)] ?? 0) + 1;
  const heavy = HEAVY_PACKAGES.filter((pkg) => byPackage[pkg] !== undefined);
  const app = Object.entries(WATCHED_APP_MODULES)
    .filter(([, suffix]) => modules.some((file) => file.endsWith(suffix)))
    .map(([name]) => name);
  return { total: modules.length, byPackage, heavy, app };
}
