import { checkState, phoneSuite, textOf } from './support/suite';

// Tuesday 11 March 2025, 08:30 in New York (EDT): the morning renewal.
const suite = phoneSuite('2025-03-11T12:30:00Z');

describe('signing in', () => {
  test('a visitor who is not signed in sees only the offer of a login link', async () => {
    const { page, world } = suite;
    await page.clock.install();
    await page.goto(world.url);
    await page.locator('#login-offer').waitFor();

    // Nothing about the tokens exists in the page, not even hidden.
    for (const selector of ['#hero', '#expiry-countdown', '#connections', '#keepalive', '#renew']) {
      expect(await page.locator(selector).count()).toBe(0);
    }
    expect(await page.locator('#sign-out').isVisible()).toBe(false);
    expect(await page.locator('body').innerText()).not.toMatch(/Live|Sandbox|generation/i);
    await checkState(page, 'signed-out');

    await page.getByRole('button', { name: 'Send me a login link' }).click();
    await page.locator('#offer-messages .message').waitFor();
    expect(await textOf(page, '#offer-messages')).toMatch(/on its way.*Telegram/);
    expect(world.notices.filter((notice) => notice.kind === 'login.link')).toHaveLength(1);
    await checkState(page, 'login-link-sent');

    // The page keeps checking every 30 s whether it is signed in; that must not reset the offer.
    await page.clock.runFor(31_000);
    expect(await textOf(page, '#send-login-link')).toBe('Link sent — check Telegram');
    expect(await textOf(page, '#offer-messages')).toMatch(/on its way/);
  });

  test('a login link signs in and its token leaves the address bar before it is redeemed', async () => {
    const { page, world } = suite;
    const link = await world.system.loginLink();
    expect(link).toMatch(/\/login\?t=/);
    const addressWhileRedeeming: string[] = [];
    await page.route('**/api/login', async (route) => {
      addressWhileRedeeming.push(page.url());
      await route.continue();
    });
    // The sign-in page starts status's instance beside the sign-in (a warm-up), not after it.
    const warmUps: { order: number; status: Promise<number | undefined> }[] = [];
    const calls: string[] = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      calls.push(`${request.method()} ${pathname}`);
      if (pathname === '/status' && request.method() === 'POST') {
        expect(request.headers()['x-etrade-warm-up']).toBe('1');
        warmUps.push({
          order: calls.length,
          status: request.response().then((response) => response?.status()),
        });
      }
    });

    await page.goto(link);
    await page.waitForURL(`${world.url}/`);
    await page.locator('#hero').waitFor();

    expect(warmUps).toHaveLength(1);
    expect(warmUps[0].order).toBeLessThan(calls.indexOf('POST /api/login') + 1);
    expect(await warmUps[0].status).toBe(204);
    expect(addressWhileRedeeming).toEqual([`${world.url}/login`]);
    expect(page.url()).not.toContain('t=');
    expect(await page.locator('#sign-out').isVisible()).toBe(true);
    expect(await textOf(page, '#hero-expired')).toBe('No token — renew');
    await checkState(page, 'dashboard-no-token', { fullPage: true });
  });

  test('a link used twice says so and offers a new one', async () => {
    const { page, world } = suite;
    const link = await world.system.loginLink();
    const first = await fetch(`${world.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: new URL(link).searchParams.get('t') }),
    });
    expect(first.status).toBe(200);

    await page.goto(link);
    await page.getByRole('heading', { name: 'This sign-in link has expired or was already used' }).waitFor();
    expect(page.url()).toBe(`${world.url}/login`);
    expect(await page.getByRole('button', { name: 'Send me a new link' }).isVisible()).toBe(true);
    expect(await page.locator('#hero').count()).toBe(0);
    await checkState(page, 'login-link-used');
  });

  test('signing out ends the session: the page shows the offer again, also after a reload', async () => {
    const { page, world } = suite;
    await world.signIn(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#login-offer').waitFor();
    expect(await textOf(page, '#messages')).toBe('Signed out.');
    expect(await page.locator('#hero').count()).toBe(0);

    await page.reload();
    await page.locator('#login-offer').waitFor();
    expect(await page.locator('#hero').count()).toBe(0);
  });
});
