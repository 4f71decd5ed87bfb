import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { AsyncMutex, KeyedMutex, writeFileAtomic } from '../../shared/adapters/local/atomicFile';
import { FileSecretVault } from '../../shared/adapters/local/fileSecretVault';
import { ManualClock } from '../../shared/ports/clock';

// What only the file adapter has to get right: permissions, atomic replacement, its file format.

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'file-vault-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
const pair = (n: number) => ({ token: `token-${n}`, secret: `secret-${n}` });

describe('FileSecretVault on disk', () => {
  it('creates the directory 0700 and writes files 0600 even under a permissive umask', async () => {
    const directory = join(root, 'nested', 'vault');
    const vault = new FileSecretVault(directory);
    const umask = process.umask(0);
    try {
      await vault.putTokenPair('alpha', pair(1));
      await vault.putTokenPair('alpha', pair(2));
      await vault.disableOlderVersions('alpha', '2');
    } finally {
      process.umask(umask);
    }

    expect(await mode(directory)).toBe(0o700);
    expect(await mode(join(directory, 'etrade-oauth-alpha-access.json'))).toBe(0o600);
    // No temp file left behind.
    expect(await readdir(directory)).toEqual(['etrade-oauth-alpha-access.json']);
  });

  it('leaves an existing directory as its owner set it', async () => {
    const directory = join(root, 'vault');
    await mkdir(directory, { mode: 0o750 });
    const umask = process.umask(0o022);
    try {
      await new FileSecretVault(directory).putTokenPair('alpha', pair(1));
    } finally {
      process.umask(umask);
    }

    expect(await mode(directory)).toBe(0o750);
  });

  it('keeps every version with its state and creation time', async () => {
    const directory = join(root, 'vault');
    const clock = new ManualClock('2025-03-14T13:30:00Z');
    const vault = new FileSecretVault(directory, clock);
    await vault.putTokenPair('alpha', pair(1));
    clock.advance(60_000);
    await vault.putTokenPair('alpha', pair(2));
    await vault.disableOlderVersions('alpha', '2');

    const file = JSON.parse(await readFile(join(directory, 'etrade-oauth-alpha-access.json'), 'utf8'));

    expect(file).toEqual({
      versions: [
        { version: '1', state: 'DISABLED', pair: pair(1), createTime: '2025-03-14T13:30:00.000Z' },
        { version: '2', state: 'ENABLED', pair: pair(2), createTime: '2025-03-14T13:31:00.000Z' },
      ],
    });
  });

  it.each([
    ['not JSON', '{"versions":[{"pair":{"token":"SENSITIVE-1'],
    ['not a vault file', JSON.stringify({ versions: [{ version: '1', pair: { token: 'SENSITIVE-1' } }] })],
    [
      'a bad state',
      JSON.stringify({
        versions: [
          { version: '1', state: 'ON', pair: { token: 'SENSITIVE-1', secret: 'x' }, createTime: '' },
        ],
      }),
    ],
  ])('refuses a corrupt file (%s) naming it, never quoting it', async (_, contents) => {
    const directory = join(root, 'vault');
    await mkdir(directory);
    const path = join(directory, 'etrade-oauth-alpha-access.json');
    await writeFile(path, contents);
    const vault = new FileSecretVault(directory);

    const error: unknown = await vault.readTokenPair('alpha').catch((err: unknown) => err);

    expect(error).toMatchObject({
      name: 'SecretVaultError',
      code: 'ERR_SECRET_CORRUPT',
      message: expect.stringContaining(path),
    });
    expect(inspect(error, { depth: 5 })).not.toContain('SENSITIVE');
    await expect(vault.putTokenPair('alpha', pair(1))).rejects.toMatchObject({ code: 'ERR_SECRET_CORRUPT' });
    expect(await readFile(path, 'utf8')).toBe(contents);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole, with exactly the given mode', async () => {
    const path = join(root, 'data.json');
    await writeFile(path, 'old', { mode: 0o644 });

    await writeFileAtomic(path, 'new', 0o600);

    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await mode(path)).toBe(0o600);
  });

  it('removes its temp file and keeps the old one when the rename fails', async () => {
    const path = join(root, 'occupied');
    await mkdir(join(path, 'child'), { recursive: true });

    await expect(writeFileAtomic(path, 'data', 0o600)).rejects.toMatchObject({ code: expect.any(String) });

    expect(await readdir(root)).toEqual(['occupied']);
  });
});

describe('AsyncMutex and KeyedMutex', () => {
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('runs tasks one at a time in call order, past a failing one', async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };

    const results = await Promise.allSettled([
      mutex.run(task('a')),
      mutex.run(task('b', true)),
      mutex.run(task('c')),
    ]);

    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('serialises per key, lets different keys overlap, and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    let running = 0;
    let most = 0;
    const task = async () => {
      most = Math.max(most, ++running);
      await tick();
      running--;
    };

    await Promise.all([mutex.run('x', task), mutex.run('x', task), mutex.run('x', task)]);
    expect(most).toBe(1);

    most = 0;
    await Promise.all([mutex.run('x', task), mutex.run('y', task)]);
    expect(most).toBe(2);

    await tick();
    expect(mutex.size).toBe(0);
  });
});
