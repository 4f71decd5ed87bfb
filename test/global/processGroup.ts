import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// The emulators are Java servers wrapped in shell launchers, each started as its own process group and
// stopped as a group: signalling only the launcher's pid would orphan the JVM. The Firestore launcher
// keeps bash as the JVM's parent; if bash died first, the exited JVM would be re-parented to PID 1 and
// linger as a zombie until PID 1 reaps it (over a second in some containers). So the launcher's
// descendants are stopped first, letting bash reap its JVM and exit itself, and the group is signalled
// after that.

const POLL_MS = 100;

/**
 * Running members of the group (zombies excluded), read from /proc; undefined where there is no /proc,
 * in which case callers fall back to signalling the whole group.
 */
function runningMembers(pgid: number): number[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  return pids.map(Number).filter((pid) => {
    try {
      // Fields after "pid (comm)" are: state ppid pgrp …; comm may contain spaces, hence the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
    } catch {
      return false; // exited while we looked
    }
  });
}

/** True while any process of the group is still running. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    // EPERM means it exists but is not ours to signal; only ESRCH means it is gone.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return (runningMembers(pgid) ?? [pgid]).length > 0;
}

function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** SIGTERM lets the JVM run its shutdown hooks; SIGKILL covers one that hangs. */
export async function stopProcessGroup(pgid: number, graceMs = 5_000): Promise<void> {
  const descendants = (runningMembers(pgid) ?? []).filter((pid) => pid !== pgid);
  descendants.forEach((pid) => signal(pid, 'SIGTERM'));
  await waitUntil(() => !descendants.some((pid) => runningMembers(pgid)?.includes(pid)), graceMs);

  signal(-pgid, 'SIGTERM');
  if (await waitUntil(() => !groupAlive(pgid), graceMs)) return;
  signal(-pgid, 'SIGKILL');
  if (!(await waitUntil(() => !groupAlive(pgid), 2_000))) {
    throw new Error(`process group ${pgid} survived SIGKILL`);
  }
}

/** For exit paths that cannot await (process 'exit', signals): ask politely and do not wait. */
export function terminateProcessGroupNow(pgid: number): void {
  signal(-pgid, 'SIGTERM');
}
