import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every stored byte of the local system (ledger, vault, secrets), so a test can assert that a
 * refused request changed nothing. `ignore` drops top-level keys of the ledger (e.g. markers).
 */
export async function snapshotState(
  dir: string,
  ignoreLedgerKeys: readonly string[] = [],
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files[path.slice(dir.length)] = await readFile(path, 'utf8');
    }
  };
  await walk(dir);
  const ledger = files['/ledger.json'];
  if (ledger && ignoreLedgerKeys.length > 0) {
    const parsed = JSON.parse(ledger) as Record<string, unknown>;
    for (const key of ignoreLedgerKeys) delete parsed[key];
    files['/ledger.json'] = JSON.stringify(parsed);
  }
  return files;
}
