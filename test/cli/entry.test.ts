import { readFile } from 'node:fs/promises';

/** `npm install -g` / `npm link` put `etrade-oauth` on the PATH from the build of shared/cli/main.ts. */
describe('the etrade-oauth executable', () => {
  it('is package.json’s bin, built from a source that starts with a node shebang', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { bin?: Record<string, string> };
    expect(pkg.bin).toEqual({ 'etrade-oauth': 'dist/shared/cli/main.js' });
    const build = JSON.parse(await readFile('tsconfig.build.json', 'utf8')) as { include: string[] };
    expect(build.include).toContain('shared');
    const source = await readFile('shared/cli/main.ts', 'utf8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(source).toMatch(/if \(require\.main === module\)/);
  });
});
