import type { Page } from 'playwright-core';
import { card, checkState, focusedId, phoneSuite, textOf } from './support/suite';

// Tuesday 11 March 2025, 08:30 in New York (EDT).
const suite = phoneSuite('2025-03-11T12:30:00Z');

/** Clicks the hero's renew button and returns E*TRADE's (the simulator's) login tab it opens. */
async function startRenewal(page: Page): Promise<Page> {
  const [authorize] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Renew Live token' }).click(),
  ]);
  await page.locator('#pin').waitFor();
  await authorize.waitForLoadState();
  return authorize;
}

describe('renewing a token', () => {
  test('the whole PIN flow: E*TRADE login in a new tab, the code typed back, generation 1 active', async () => {
    const { page, world } = suite;
    await world.signIn(page);
    expect(await textOf(page, '#hero-expired')).toBe('No token — renew');

    const authorize = await startRenewal(page);
    expect(authorize.url().startsWith(world.system.simulator!.authorizeUrlBase)).toBe(true);
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

    await page.locator('#renew-result.success').waitFor();
    expect(await textOf(page, '#renew-result .result-text')).toBe(
      'Token renewed — valid until midnight ET; keep-alive will keep it active.',
    );
    expect(await focusedId(page)).toBe('renew-result');
    await card(page, 'prod').locator('.pill', { hasText: 'Active' }).waitFor();
    expect(await card(page, 'prod').locator('.generation').textContent()).toBe('1');
    expect(await textOf(page, '#hero-state')).toBe('Active');
    expect(await textOf(page, '#expiry-at')).toBe('at 00:00 ET (midnight US Eastern)');
    expect((await world.status()).connections.find((c) => c.id === 'prod')).toMatchObject({
      state: 'active',
      generation: 1,
    });
    await checkState(page, 'renewed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkState(page, 'renewed-dark', { fullPage: true });
  });

  test('a wrong PIN is explained in words, the login stays open and the current token is kept', async () => {
    const { page, world } = suite;
    const before = (await world.status()).connections.find((c) => c.id === 'prod')!.generation;
    await world.signIn(page);
    const authorize = await startRenewal(page);
    const requestToken = new URL(authorize.url()).searchParams.get('token')!;
    await authorize.close();
    const pin = world.system.simulator!.approve(requestToken);
    const wrong = pin.startsWith('A') ? `B${pin.slice(1)}` : `A${pin.slice(1)}`;

    // Pasted with spaces and a stray dash: spaces go, the dash is pointed out, no submit yet.
    await page.locator('#pin').fill(` ${wrong.slice(0, 2)} -${wrong.slice(2)} `);
    expect(await page.locator('#pin').inputValue()).toBe(`${wrong.slice(0, 2)}-${wrong.slice(2)}`);
    expect(await textOf(page, '#pin-problem')).toBe('Only letters A–Z and digits 0–9. Remove “-”.');
    expect(await page.locator('#pin-submit').isDisabled()).toBe(true);
    await checkState(page, 'pin-invalid-character');

    await page.locator('#pin').fill(wrong.toLowerCase());
    await page.locator('#pin').press('Enter');
    await page.locator('#renew-result.error').waitFor();
    const message = await textOf(page, '#renew-result');
    expect(message).toBe(
      'E*TRADE did not accept that PIN. Check it and try again. This login is still open, so there is no need to start again.',
    );
    expect(message).not.toContain('{');
    expect(await focusedId(page)).toBe('renew-result');
    expect(await page.locator('#pin').isEditable()).toBe(true);
    expect(await card(page, 'prod').locator('.generation').textContent()).toBe(String(before));
    expect((await world.status()).connections.find((c) => c.id === 'prod')!.generation).toBe(before);
    await checkState(page, 'wrong-pin');

    // The same login takes the right code afterwards.
    await page.locator('#pin').fill(pin);
    await page.locator('#pin-submit').click();
    await page.locator('#renew-result.success').waitFor();
    await card(page, 'prod')
      .locator('.generation', { hasText: String(before + 1) })
      .waitFor();
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
    await page.locator('#renew-result.success').waitFor();
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
    await page.locator('#renew-result.success').waitFor();
    // The page asks again rather than show the older answer.
    await card(page, 'prod')
      .locator('.generation', { hasText: String(before + 1) })
      .waitFor();
    expect(served).toEqual(['old', 'fresh']);
    expect(await textOf(page, '#hero-state')).toBe('Active');

    // Later, another lagging answer (the phone woke up): the renewed token stays on screen meanwhile.
    lagging = 1;
    const isStatus = (r: { url(): string }) => r.url().endsWith('/status');
    const lagged = page.waitForResponse(isStatus);
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
    await lagged;
    const retried = page.waitForResponse(isStatus, { timeout: 5_000 });
    expect(await card(page, 'prod').locator('.generation').textContent()).toBe(String(before + 1));
    expect(await textOf(page, '#hero-state')).toBe('Active');
    await retried;
    expect(served).toEqual(['old', 'fresh', 'old', 'fresh']);
    expect(await card(page, 'prod').locator('.generation').textContent()).toBe(String(before + 1));
  });
});
