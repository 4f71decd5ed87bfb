import type { SecretVault, StoredTokenSecret, TokenSecret } from '../../shared/ports/secretVault';

export interface SecretVaultFixture {
  readonly vault: SecretVault;
  cleanup(): Promise<void>;
}

/**
 * What every SecretVault must do, through the port only. `make` returns a vault that has never stored
 * anything; it is called once per test.
 */
export function secretVaultContract(name: string, make: () => Promise<SecretVaultFixture>): void {
  describe(`SecretVault contract: ${name}`, () => {
    let fixture: SecretVaultFixture;
    let vault: SecretVault;

    beforeEach(async () => {
      fixture = await make();
      vault = fixture.vault;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const pair = (n: number): TokenSecret => ({ token: `token-${n}`, secret: `secret-${n}` });

    it('has nothing for a connection that never stored a pair', async () => {
      await expect(vault.readTokenPair('alpha')).resolves.toBeUndefined();
      await expect(vault.readTokenPair('alpha', '1')).resolves.toBeUndefined();
    });

    it('numbers versions from "1" and reads the newest or a named one', async () => {
      await expect(vault.putTokenPair('alpha', pair(1))).resolves.toBe('1');

      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(1), version: '1' });
      await expect(vault.readTokenPair('alpha', '1')).resolves.toEqual({ pair: pair(1), version: '1' });

      await expect(vault.putTokenPair('alpha', pair(2))).resolves.toBe('2');

      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(2), version: '2' });
      await expect(vault.readTokenPair('alpha', '1')).resolves.toEqual({ pair: pair(1), version: '1' });
      await expect(vault.readTokenPair('alpha', '3')).resolves.toBeUndefined();
    });

    it('disables older versions, which then cannot be read', async () => {
      await vault.putTokenPair('alpha', pair(1));
      await vault.putTokenPair('alpha', pair(2));

      await expect(vault.disableOlderVersions('alpha', '2')).resolves.toBe(1);

      await expect(vault.readTokenPair('alpha', '1')).resolves.toBeUndefined();
      await expect(vault.readTokenPair('alpha', '2')).resolves.toEqual({ pair: pair(2), version: '2' });
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(2), version: '2' });
      await expect(vault.disableOlderVersions('alpha', '2')).resolves.toBe(0);
    });

    it('refuses to keep a version that is not enabled, and disables nothing', async () => {
      await vault.putTokenPair('alpha', pair(1));
      await vault.putTokenPair('alpha', pair(2));
      await vault.disableOlderVersions('alpha', '2');

      for (const keep of ['1', '3']) {
        await expect(vault.disableOlderVersions('alpha', keep)).rejects.toMatchObject({
          code: 'ERR_KEEP_VERSION_NOT_ENABLED',
          message: expect.stringContaining(`version ${keep} is not enabled`),
        });
      }
      await expect(vault.disableOlderVersions('beta', '1')).rejects.toMatchObject({
        code: 'ERR_KEEP_VERSION_NOT_ENABLED',
      });
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(2), version: '2' });
    });

    it('destroys disabled versions beyond the newest ones kept, never an enabled one', async () => {
      for (let i = 1; i <= 5; i++) {
        await vault.putTokenPair('alpha', pair(i));
        await vault.disableOlderVersions('alpha', String(i));
      }

      await expect(vault.destroyDisabledVersions('alpha', 1)).resolves.toBe(3);

      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(5), version: '5' });
      await expect(vault.destroyDisabledVersions('alpha', 1)).resolves.toBe(0);
      await expect(vault.destroyDisabledVersions('beta', 1)).resolves.toBe(0);
      // Numbering keeps increasing after a clean-up.
      await expect(vault.putTokenPair('alpha', pair(6))).resolves.toBe('6');
      await expect(vault.destroyDisabledVersions('alpha', -1)).rejects.toThrow(RangeError);
    });

    it('prunes only below a version when asked, so it can run beside the disabling of that version', async () => {
      for (let i = 1; i <= 5; i++) await vault.putTokenPair('alpha', pair(i));
      for (const v of ['1', '2', '3']) await vault.disableVersion('alpha', v);
      // 4 is still enabled (being disabled elsewhere at this moment); 5 is the new current one.

      await expect(vault.destroyDisabledVersions('alpha', 0, '4')).resolves.toBe(3);
      await vault.disableOlderVersions('alpha', '5');

      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(5), version: '5' });
      // Nothing at or above `below` was touched: 4, disabled meanwhile, is the one kept for a rollback.
      await expect(vault.destroyDisabledVersions('alpha', 1)).resolves.toBe(0);
      await expect(vault.destroyDisabledVersions('alpha', 0, '4')).resolves.toBe(0);
      await expect(vault.destroyDisabledVersions('alpha', 0, 'x')).rejects.toThrow(TypeError);
    });

    it('disables one version alone; the newest enabled one before it is read instead', async () => {
      for (let i = 1; i <= 3; i++) await vault.putTokenPair('alpha', pair(i));

      await vault.disableVersion('alpha', '3');

      await expect(vault.readTokenPair('alpha', '3')).resolves.toBeUndefined();
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(2), version: '2' });
      await expect(vault.readTokenPair('alpha', '1')).resolves.toEqual({ pair: pair(1), version: '1' });
      // The rolled-back version is gone for good: it cannot be kept, and the next put is newer still.
      await expect(vault.disableOlderVersions('alpha', '3')).rejects.toMatchObject({
        code: 'ERR_KEEP_VERSION_NOT_ENABLED',
      });
      await expect(vault.putTokenPair('alpha', pair(4))).resolves.toBe('4');
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(4), version: '4' });
    });

    it('disables a version that is already disabled, destroyed or unknown as a harmless no-op', async () => {
      await vault.putTokenPair('alpha', pair(1));
      await vault.putTokenPair('alpha', pair(2));
      await vault.disableVersion('alpha', '1');
      await vault.destroyDisabledVersions('alpha', 0);
      await vault.putTokenPair('alpha', pair(3));
      await vault.disableVersion('alpha', '3');

      await expect(vault.disableVersion('alpha', '3')).resolves.toBeUndefined(); // disabled
      await expect(vault.disableVersion('alpha', '1')).resolves.toBeUndefined(); // destroyed
      await expect(vault.disableVersion('alpha', '9')).resolves.toBeUndefined(); // never stored
      await expect(vault.disableVersion('beta', '1')).resolves.toBeUndefined(); // no such connection

      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(2), version: '2' });
      await expect(vault.readTokenPair('beta')).resolves.toBeUndefined();
    });

    it('never reuses the number of a newest version that was disabled, then destroyed', async () => {
      await vault.putTokenPair('alpha', pair(1));
      await vault.putTokenPair('alpha', pair(2));
      await vault.disableVersion('alpha', '2');
      await vault.disableVersion('alpha', '1');

      await expect(vault.destroyDisabledVersions('alpha', 0)).resolves.toBe(2);

      await expect(vault.readTokenPair('alpha')).resolves.toBeUndefined();
      await expect(vault.putTokenPair('alpha', pair(3))).resolves.toBe('3');
      await vault.disableVersion('alpha', '3');
      await vault.destroyDisabledVersions('alpha', 0);
      await expect(vault.putTokenPair('alpha', pair(4))).resolves.toBe('4');
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(4), version: '4' });
    });

    it('round-trips tokens and secrets exactly, whatever their characters', async () => {
      const awkward: TokenSecret = {
        token: 'a+b/c==%2B&x=1 ~!*\'()"\\',
        secret: 'Zürich 東京 🔑 \u0000\n\t\u2028 ends with =',
      };

      const version = await vault.putTokenPair('alpha', awkward);

      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: awkward, version });
      await expect(vault.readTokenPair('alpha', version)).resolves.toEqual({ pair: awkward, version });
    });

    it('keeps connections apart', async () => {
      await vault.putTokenPair('alpha', pair(1));
      await vault.putTokenPair('alpha', pair(2));
      await expect(vault.putTokenPair('beta', pair(3))).resolves.toBe('1');

      await vault.disableOlderVersions('alpha', '2');

      await expect(vault.readTokenPair('beta')).resolves.toEqual({ pair: pair(3), version: '1' });
      await expect(vault.readTokenPair('beta', '1')).resolves.toEqual({ pair: pair(3), version: '1' });
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pair(2), version: '2' });
    });

    it('gives concurrent puts distinct versions 1..10, compared as numbers', async () => {
      const pairs = Array.from({ length: 10 }, (_, i) => pair(i + 1));

      const versions = await Promise.all(pairs.map((p) => vault.putTokenPair('alpha', p)));

      expect([...versions].sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 10 }, (_, i) => String(i + 1)),
      );
      for (const [i, version] of versions.entries()) {
        await expect(vault.readTokenPair('alpha', version)).resolves.toEqual({ pair: pairs[i], version });
      }
      const newest = versions.indexOf('10');
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pairs[newest], version: '10' });
      // "10" < "9" as strings: a string comparison would disable 1 and keep 2..9.
      await expect(vault.disableOlderVersions('alpha', '10')).resolves.toBe(9);
      await expect(vault.readTokenPair('alpha', '9')).resolves.toBeUndefined();
      await expect(vault.readTokenPair('alpha')).resolves.toEqual({ pair: pairs[newest], version: '10' });
    });

    it('never shows a pair partially written, nor one under another version', async () => {
      const long = (n: number, side: string): string => `${side}-${n}-`.padEnd(4096, String(n % 10));
      const pairs = Array.from({ length: 8 }, (_, i) => ({ token: long(i, 't'), secret: long(i, 's') }));
      const seen: StoredTokenSecret[] = [];
      let writing = true;

      const reader = (async () => {
        while (writing) {
          const stored = await vault.readTokenPair('alpha');
          if (stored) seen.push(stored);
        }
      })();
      const versions = await Promise.all(pairs.map((p) => vault.putTokenPair('alpha', p))).finally(() => {
        writing = false;
      });
      await reader;
      const settled = await vault.readTokenPair('alpha');
      if (settled) seen.push(settled);

      expect(seen.length).toBeGreaterThan(0);
      const byVersion = new Map(versions.map((v, i) => [v, pairs[i]]));
      for (const stored of seen) expect(stored.pair).toEqual(byVersion.get(stored.version));
    });

    it('refuses malformed arguments, naming them', async () => {
      for (const connectionId of ['', '../alpha', 'Alpha', 'a/b', 'x'.repeat(64)]) {
        await expect(vault.putTokenPair(connectionId, pair(1))).rejects.toThrow(/connectionId/);
        await expect(vault.readTokenPair(connectionId)).rejects.toThrow(/connectionId/);
      }
      await expect(vault.putTokenPair('alpha', { token: '', secret: 's' })).rejects.toThrow(/pair/);
      await expect(vault.putTokenPair('alpha', { token: 't', secret: '' })).rejects.toThrow(/pair/);
      for (const version of ['latest', '0', '01', '1.5', '-1', '']) {
        await expect(vault.readTokenPair('alpha', version)).rejects.toThrow(/version/);
        await expect(vault.disableOlderVersions('alpha', version)).rejects.toThrow(/keepVersion/);
        await expect(vault.disableVersion('alpha', version)).rejects.toThrow(/version/);
      }
      await expect(vault.disableVersion('Alpha', '1')).rejects.toThrow(/connectionId/);
      await expect(vault.readTokenPair('alpha')).resolves.toBeUndefined();
    });
  });
}
