import type { Page } from 'playwright-core';
import { checkState, focusedId, phoneSuite, textOf } from './support/suite';

// Tuesday 11 March 2025, 08:30 in New York (EDT).
const suite = phoneSuite('2025-03-11T12:30:00Z');

/** Clicks the hero's renew button and returns E*TRADE's (the simulator's) login tab it opens. */
async function startRenewal(page: Page): Promise<Page> {
  const [authorize] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Renew Live token' }).click(),
  ]);
  await page.locator('#pin').waitFor();
  // The tab opens empty inside the click and is sent to E*TRADE once the request token is there.
  await authorize.waitForURL((url) => url.href.startsWith(suite.world.system.simulator!.authorizeUrlBase));
  return authorize;
}

describe('renewing a token', () => {
  test('the whole PIN flow: E*TRADE login in a new tab, the code typed back, generation 1 active', async () => {
    const { page, world } = suite;
    await world.signIn(page);
    expect(await textOf(page, '#hero-expired')).toBe('No token — renew');

    const authorize = await startRenewal(page);
    expect(await authorize.evaluate('window.opener')).toBeNull();
    expect(await focusedId(page)).toBe('pin');
    expect(await page.locator('#pin-submit').isDisabled()).toBe(true);
    expect(await page.locator('#hero-renew').isVisible()).toBe(false);
    expect(await textOf(page, '#flow-countdown')).toMatch(/^[45]:\d\d$/);
    await checkState(page, 'renew-pin-step');

    await authorize.click('#login');
    const pin = await textOf(authorize, '#pin');
    expect(pin).toMatch(/^[A-Z0-9]{5}$/);
    await authorize.close();

    // Half awake: typed lower-case, one character at a time; the field shows it upper-cased.
    await page.locator('#pin').pressSequentially(pin.toLowerCase());
    expect(await page.locator('#pin').inputValue()).toBe(pin);
    expect(await page.locator('#pin-submit').isEnabled()).toBe(true);
    await page.locator('#pin-submit').click();

    await page.locator('#renew-done').waitFor();
    expect(await textOf(page, '#renew-done')).toBe('Renewed.');
    expect(await focusedId(page)).toBe('renew-done');
    expect(await page.locator('#renew').isVisible()).toBe(false);
    await page.locator('#hero-state', { hasText: 'Active' }).waitFor();
    expect(await textOf(page, '#hero .generation')).toBe('1');
    expect(await textOf(page, '#expiry-at')).toBe('at 00:00 ET (midnight US Eastern)');
    expect((await world.status()).connections.find((c) => c.id === 'prod')).toMatchObject({
      state: 'active',
      generation: 1,
    });
    await checkState(page, 'renewed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkState(page, 'renewed-dark', { fullPage: true });
  });

  test('what cannot be a code is pointed out as it is typed, and nothing is sent', async () => {
    const { page, world } = suite;
    await world.signIn(page);
    const authorize = await startRenewal(page);
    const pin = world.system.simulator!.approve(new URL(authorize.url()).searchParams.get('token')!);
    await authorize.close();
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/exchange-pin')) sent.push(request.url());
    });

    // Written with spaces and a stray dash: spaces go, the dash is pointed out, no submit.
    await page.locator('#pin').fill(` ${pin.slice(0, 2)} -${pin.slice(2)} `);
    expect(await page.locator('#pin').inputValue()).toBe(`${pin.slice(0, 2)}-${pin.slice(2)}`);
    expect(await textOf(page, '#pin-problem')).toBe('Only letters A–Z and digits 0–9. Remove “-”.');
    expect(await page.locator('#pin-submit').isDisabled()).toBe(true);
    await page.locator('#pin').press('Enter');
    await checkState(page, 'pin-invalid-character');
    expect(sent).toEqual([]);

    await page.locator('#pin').fill(pin.toLowerCase());
    await page.locator('#pin').press('Enter');
    await page.locator('#renew-done').waitFor();
    expect(sent).toHaveLength(1);
  });

  test('a reload while the trader is in E*TRADE’s tab brings the PIN field back, same login', async () => {
    const { page, world } = suite;
    await world.signIn(page);
    const authorize = await startRenewal(page);
    const pin = world.system.simulator!.approve(new URL(authorize.url()).searchParams.get('token')!);
    await authorize.close();

    await page.reload();
    await page.locator('#pin').waitFor();
    expect(await textOf(page, '#renew-title')).toBe('Renew Live token');
    await page.locator('#pin').fill(pin);
    await page.locator('#pin-submit').click();
    await page.locator('#renew-done').waitFor();
  });

  test('a status answer from an older ledger snapshot (another server instance) never undoes a renewal on screen', async () => {
    const { page, world } = suite;
    const response = await fetch(`${world.url}/status`, {
      headers: { Authorization: `Bearer ${world.system.apiKey}` },
    });
    // What an instance whose snapshot predates the renewal answers: the current `now`, the old facts.
    const old = (await response.json()) as {
      asOf: string;
      connections: { id: string; generation: number }[];
    };
    const before = old.connections.find((c) => c.id === 'prod')!.generation;
    world.clock.advance(1000);
    let lagging = 0;
    const served: ('old' | 'fresh')[] = [];
    await page.route('**/status', async (route) => {
      const answer = await route.fetch();
      if (lagging === 0) {
        served.push('fresh');
        return route.fulfill({ response: answer });
      }
      lagging -= 1;
      served.push('old');
      const fresh = (await answer.json()) as Record<string, unknown>;
      await route.fulfill({
        response: answer,
        json: { ...fresh, asOf: old.asOf, connections: old.connections },
      });
    });
    // The status read right after the exchange is the lagging one.
    await page.route('**/api/exchange-pin', async (route) => {
      const answer = await route.fetch();
      lagging = 1;
      await route.fulfill({ response: answer });
    });
    await world.signIn(page);
    const authorize = await startRenewal(page);
    const pin = world.system.simulator!.approve(new URL(authorize.url()).searchParams.get('token')!);
    await authorize.close();

    served.length = 0;
    await page.locator('#pin').fill(pin);
    await page.locator('#pin-submit').click();
    await page.locator('#renew-done').waitFor();
    // The page asks again rather than show the older answer.
    await page.locator('#hero .generation', { hasText: String(before + 1) }).waitFor();
    expect(served).toEqual(['old', 'fresh']);
    expect(await textOf(page, '#hero-state')).toBe('Active');

    // Later, another lagging answer (the phone woke up): the renewed token stays on screen meanwhile.
    lagging = 1;
    const isStatus = (r: { url(): string }) => r.url().endsWith('/status');
    const lagged = page.waitForResponse(isStatus);
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
    await lagged;
    const retried = page.waitForResponse(isStatus, { timeout: 5_000 });
    expect(await textOf(page, '#hero .generation')).toBe(String(before + 1));
    expect(await textOf(page, '#hero-state')).toBe('Active');
    await retried;
    expect(served).toEqual(['old', 'fresh', 'old', 'fresh']);
    expect(await textOf(page, '#hero .generation')).toBe(String(before + 1));
  });
});
