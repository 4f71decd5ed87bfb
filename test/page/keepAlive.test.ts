import { checkState, phoneSuite, textOf } from './support/suite';

// Tuesday 11 March 2025, 08:30 in New York (EDT).
const suite = phoneSuite('2025-03-11T12:30:00Z');

function row(connection: string) {
  return `#keepalive [data-connection="${connection}"]`;
}

describe('the keep-alive panel', () => {
  beforeAll(async () => {
    await suite.world.renewViaApi('prod');
    suite.world.clock.advance(40 * 60_000); // 09:10 ET: the token has not been used for 40 minutes
  });

  test('shows each connection’s health and "Force keep-alive" runs it and updates the panel', async () => {
    const { page, world } = suite;
    await world.signIn(page);
    expect(await textOf(page, `${row('prod')} dd >> nth=0`)).toBe('Not run yet');

    await page.getByRole('button', { name: 'Force keep-alive now' }).click();
    await page.locator('#keepalive-messages .message').waitFor();
    const said = await textOf(page, '#keepalive-messages');
    expect(said).toMatch(/^Keep-alive ran\. Live: (touched, kept active|skipped, used recently)\. /);
    expect(said).toContain('Sandbox: nothing to keep alive (no live token).');

    await page.locator(`${row('prod')}[data-health="ok"]`).waitFor();
    expect(await textOf(page, `${row('prod')} dd >> nth=0`)).toBe('09:10 ET (just now)');
    expect(await textOf(page, `${row('prod')} .outcome`)).toMatch(/^(Touched|Skipped)/);
    expect(await textOf(page, `${row('prod')} .failures`)).toBe('0');
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
      await page.locator(`${row('prod')}[data-health="bad"]`).waitFor();
      expect(await textOf(page, `${row('prod')} .failures`)).toBe('1');
      expect(await textOf(page, `${row('prod')} .outcome`)).toBe('Failed: the consumer key needs renewing');
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
