import { card, checkState, phoneSuite, textOf } from './support/suite';

// Tuesday 11 March 2025, 08:30 in New York (EDT).
const suite = phoneSuite('2025-03-11T12:30:00Z');

describe('keep-alive on the page', () => {
  beforeAll(async () => {
    await suite.world.renewViaApi('prod');
    suite.world.clock.advance(40 * 60_000); // 09:10 ET: the token has not been used for 40 minutes
  });

  test('shows each connection’s health with it, and "Force keep-alive" runs it and updates that', async () => {
    const { page, world } = suite;
    await world.signIn(page);
    expect(await textOf(page, '#hero .keepalive')).toBe('Not run yet');
    expect(await textOf(page, '#hero .next-keepalive')).toBe('10:00 ET (in 50 minutes)');
    // Sandbox has no token: nothing to keep alive, so its card does not pretend otherwise.
    expect(await card(page, 'sandbox').locator('.keepalive').isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Force keep-alive now' }).click();
    await page.locator('#keepalive-messages .message').waitFor();
    const said = await textOf(page, '#keepalive-messages');
    expect(said).toMatch(/^Keep-alive ran\. Live: (touched, kept active|skipped, used recently)\. /);
    expect(said).toContain('Sandbox: nothing to keep alive (no live token).');

    await page.locator('#hero .keepalive', { hasText: /^OK · (touched|skipped) just now$/ }).waitFor();
    expect(await textOf(page, '#hero .next-keepalive')).toMatch(/^\d\d:\d\d ET \(in \d+ minutes\)$/);
    await page.locator('#keepalive').scrollIntoViewIfNeeded();
    await checkState(page, 'keepalive-forced');
  });

  test('a failing run shows up in words, on the panel and in the hero', async () => {
    const { page, world } = suite;
    world.clock.advance(20 * 60_000);
    world.system.simulator!.inject({ kind: 'problem', problem: 'consumer_key_rejected', times: 10 });
    try {
      await world.signIn(page);
      await page.getByRole('button', { name: 'Force keep-alive now' }).click();
      await page.locator('#keepalive-messages .message.error').waitFor();
      expect(await textOf(page, '#keepalive-messages')).toContain(
        'Live: failed (the consumer key needs renewing).',
      );
      await page.locator('#hero .keepalive', { hasText: '1 failure' }).waitFor();
      expect(await textOf(page, '#hero .keepalive')).toBe('1 failure: the consumer key needs renewing');
      expect(await textOf(page, '#hero .hero-note')).toBe(
        'Keep-alive failed 1 time in a row. Renew if it goes idle.',
      );
      await page.locator('#keepalive').scrollIntoViewIfNeeded();
      await checkState(page, 'keepalive-failing');
    } finally {
      world.system.simulator!.clearFaults();
    }
  });
});
