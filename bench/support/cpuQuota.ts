import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A share of one CPU for one process, as Cloud Run gives an instance: a CFS bandwidth quota in a child
 * cgroup of its own (cgroup v1's `cpu` controller, or cgroup v2's `cpu.max`). Needs root. The process
 * joins the group before it executes node (see `joinCommand`), so not even its start runs unthrottled.
 * `setShare` changes the share of a running group: gen2 throttles an instance's CPU between requests.
 */
export const CPU_PERIOD_US = 100_000;

const V1_ROOT = '/sys/fs/cgroup/cpu';
const V2_ROOT = '/sys/fs/cgroup';

type Flavour = 'v1' | 'v2';

function flavour(): Flavour | undefined {
  if (existsSync(path.join(V1_ROOT, 'cpu.cfs_quota_us'))) return 'v1';
  if (existsSync(path.join(V2_ROOT, 'cgroup.controllers'))) {
    const controllers = readFileSync(path.join(V2_ROOT, 'cgroup.subtree_control'), 'utf8');
    if (controllers.split(/\s+/).includes('cpu')) return 'v2';
  }
  return undefined;
}

/** Why a quota cannot be set here, or undefined when it can. */
export function quotaUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!flavour()) return 'no cgroup v1 cpu controller nor cgroup v2 with cpu delegated';
  return undefined;
}

let groups = 0;

export class CpuGroup {
  private removed = false;

  private constructor(
    private readonly dir: string,
    private readonly kind: Flavour,
  ) {}

  /** A new group holding `vcpu` of one CPU (e.g. 0.167 → 16700 µs per 100 ms period). */
  static create(vcpu: number): CpuGroup {
    const kind = flavour();
    if (!kind || process.getuid?.() !== 0) throw new Error(`no CPU quota here: ${quotaUnavailable()}`);
    const root = kind === 'v1' ? V1_ROOT : V2_ROOT;
    const dir = path.join(root, `etrade-bench-${process.pid}-${++groups}`);
    mkdirSync(dir);
    const group = new CpuGroup(dir, kind);
    group.setShare(vcpu);
    return group;
  }

  get procsFile(): string {
    return path.join(this.dir, 'cgroup.procs');
  }

  /** `vcpu` of one CPU from now on; Infinity lifts the quota. */
  setShare(vcpu: number): void {
    const quota = Number.isFinite(vcpu) ? Math.max(1000, Math.round(vcpu * CPU_PERIOD_US)) : -1;
    if (this.kind === 'v1') {
      writeFileSync(path.join(this.dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      writeFileSync(path.join(this.dir, 'cpu.cfs_quota_us'), String(quota));
    } else {
      writeFileSync(path.join(this.dir, 'cpu.max'), `${quota < 0 ? 'max' : quota} ${CPU_PERIOD_US}`);
    }
  }

  /** ms the group spent throttled (its processes runnable but out of quota), where the kernel says. */
  throttledMs(): number {
    try {
      const stat = readFileSync(path.join(this.dir, 'cpu.stat'), 'utf8');
      const v1 = /^throttled_time (\d+)/m.exec(stat);
      if (v1) return Number(v1[1]) / 1e6;
      const v2 = /^throttled_usec (\d+)/m.exec(stat);
      return v2 ? Number(v2[1]) / 1e3 : NaN;
    } catch {
      return NaN;
    }
  }

  /** Removes the group; its processes must have exited (a group with members cannot be removed). */
  remove(): void {
    if (this.removed) return;
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(this.dir);
        this.removed = true;
        return;
      } catch (error) {
        if (attempt >= 50) throw error;
        // The last member's exit reaches the cgroup a moment after its parent saw it exit.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }
}

/**
 * The command that starts `argv` inside `group`: a shell writes its own pid into the group, then
 * becomes the program (exec keeps the pid), so every instruction of the program runs under the quota.
 */
export function joinCommand(group: CpuGroup, argv: readonly string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', group.procsFile, ...argv]];
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * User + system CPU of a process so far (all its threads), ms, from /proc/<pid>/stat (utime and
 * stime, fields 14 and 15, in clock ticks: USER_HZ, 100 on Linux).
 */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Current and peak resident set of a process, bytes (VmRSS, VmHWM). */
export function processRss(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peakRss: kib('VmHWM') };
}
