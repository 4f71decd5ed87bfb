import type { Page } from 'playwright-core';
import { seriousAxeViolations } from './support/axe';
import { screenshot } from './support/browser';
import { phoneSuite, textOf } from './support/suite';

// Tuesday 11 March 2025, 08:30 in New York (EDT); the phone is in Tokyo with its clock years off.
const suite = phoneSuite('2025-03-11T12:30:00Z');
const PHONE_TIME = new Date('2023-06-01T03:00:00Z');

/**
 * Freezes the phone's clock before the page loads: the page measures its offset to the server on a
 * still clock, so every reading below is exact, and time moves only when the test says so.
 */
async function freezePhoneClock(page: Page): Promise<void> {
  await page.clock.install({ time: PHONE_TIME });
  await page.clock.pauseAt(new Date(PHONE_TIME.getTime() + 1000));
}

/** axe waits on timers of its own: it runs once the readings are done and time flows again. */
async function checkAccessibleWithClockRunning(page: Page): Promise<void> {
  await page.clock.resume();
  expect(await seriousAxeViolations(page)).toEqual([]);
}

/** "15:29:53" or "0:10" → seconds. */
function seconds(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

describe('the countdown', () => {
  beforeAll(async () => {
    await suite.world.renewViaApi('prod');
  });

  test('counts down to midnight ET and to the idle time on the server clock, second by second', async () => {
    const { page, world } = suite;
    await freezePhoneClock(page);
    await world.signIn(page);

    // 08:30:00 ET: 15½ hours to midnight, 2 hours to idle, whatever the phone's clock and zone say.
    expect(await textOf(page, '#expiry-countdown')).toBe('15:30:00');
    expect(await textOf(page, '#expiry-at')).toBe('at 00:00 ET (midnight US Eastern)');
    expect(await textOf(page, '#idle-countdown')).toBe('2:00:00');
    expect(await textOf(page, '#idle-at')).toMatch(/^at 10:30 ET /);
    await screenshot(page, 'countdown-active');

    world.clock.advance(7000);
    await page.clock.runFor(7000);
    expect(seconds(await textOf(page, '#expiry-countdown'))).toBe(seconds('15:30:00') - 7);
    expect(await textOf(page, '#expiry-countdown')).toBe('15:29:53');
    expect(await textOf(page, '#idle-countdown')).toBe('1:59:53');
    await checkAccessibleWithClockRunning(page);
  });

  test('at midnight ET the page switches to "Expired — renew" without waiting for the server', async () => {
    const { page, world } = suite;
    // 23:59:40 ET: the trading system last used the token 10 s before the page opens at 23:59:50.
    world.clock.set('2025-03-12T03:59:40Z');
    await world.touch('prod');
    world.clock.set('2025-03-12T03:59:50Z');
    await freezePhoneClock(page);
    await world.signIn(page);

    expect(await textOf(page, '#hero-state')).toBe('Active');
    expect(await textOf(page, '#expiry-countdown')).toBe('0:10');
    await screenshot(page, 'countdown-last-seconds');

    await page.clock.fastForward(15_000);
    await page.locator('#hero-expired').waitFor();
    expect(await textOf(page, '#hero-expired')).toBe('Expired — renew');
    expect(await page.locator('#expiry-countdown').isVisible()).toBe(false);
    expect(await page.locator('#hero').getAttribute('data-state')).toBe('expired');
    // The big title names the state; the pill would say it twice.
    expect(await page.locator('#hero-state').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Renew Live token' }).getAttribute('class')).toContain(
      'primary',
    );
    await screenshot(page, 'expired-at-midnight');
    await checkAccessibleWithClockRunning(page);
  });
});
