import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * A function's deployed bundle (infra/bundle.mjs), run as `require` would run it, but compiled from
 * the V8 code cache made for it at build time when there is one: no parsing, no compiling of what the
 * cache holds. V8 takes a cache only from the same V8 version and flags (NODE_OPTIONS included), and
 * says so; a rejected one just means compiling as usual.
 */
export type CacheOutcome = 'none' | 'accepted' | 'rejected';

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  readonly cache: CacheOutcome;
  /** For making the cache: `script.createCachedData()` once the bundle has run. */
  readonly script: vm.Script;
}

type ModuleInternals = Module & { filename: string; paths: string[]; loaded: boolean };
type ModuleStatics = typeof Module & {
  _cache: Record<string, Module>;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
};

export function loadBundle(file: string, cacheFile?: string): LoadedBundle {
  const statics = Module as ModuleStatics;
  const source = readFileSync(file, 'utf8');
  const cachedData = cacheFile !== undefined && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new vm.Script(statics.wrap(source), { filename: file, cachedData });
  const cache: CacheOutcome =
    cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const module = new Module(file) as ModuleInternals;
  module.filename = file;
  module.paths = statics._nodeModulePaths(path.dirname(file));
  statics._cache[file] = module;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return { exports: module.exports as Record<string, unknown>, cache, script };
}
