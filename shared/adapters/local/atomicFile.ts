import { randomUUID } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` so that a reader (or a crash) sees either the old file or the new one,
 * never a half-written one: write a temp file in the same directory, fsync it, rename it over `path`.
 * `mode` is applied exactly (not through the umask), and to the temp file before any data is written,
 * so a secret is never readable by anyone else, not even for a moment.
 *
 * Atomic against other processes too; but a read-modify-write still needs a lock (see KeyedMutex), and
 * that lock is only in-process.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(directory);
}

/** Makes the rename itself durable. Best effort: Windows and some file systems refuse to fsync a directory. */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file is in place either way; only its survival of a power cut is less certain.
  }
}

/** Runs tasks one at a time, in the order `run` was called; a failed task does not block the next. */
export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(ignore, ignore);
    return result;
  }
}

/** One AsyncMutex per key (e.g. a file path), forgotten again once its queue is empty. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(ignore, ignore);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks: lets tests check that nothing is left behind. */
  get size(): number {
    return this.tails.size;
  }
}

function ignore(): void {}
