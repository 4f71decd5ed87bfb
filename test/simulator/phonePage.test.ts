import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, phoneContext, screenshot } from '../page/support/browser';
import { Harness } from './harness';

// The simulator's login page is what the trader meets in the local walk: it must work on a phone.
const START = '2026-06-15T14:00:00Z';

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [h, browser] = await Promise.all([new Harness(START).start(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});
beforeEach(async () => {
  context = await phoneContext(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
});
afterEach(() => context?.close());

async function box(selector: string) {
  const found = await page.locator(selector).boundingBox();
  if (!found) throw new Error(`${selector} is not shown`);
  return found;
}

describe('the simulator’s authorize page on a phone (390×844)', () => {
  test('a thumb-sized "Log in", then the code in large type and a button that copies it', async () => {
    const { token } = await h.requestToken();
    await page.goto(`${h.sim.authorizeUrlBase}?key=test-consumer-key&token=${encodeURIComponent(token)}`);
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toBe(
      'width=device-width, initial-scale=1',
    );
    // Laid out for the phone's width, not a desktop page shrunk to fit.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const login = await box('#login');
    expect(login.height).toBeGreaterThanOrEqual(48);
    expect(login.width).toBeGreaterThanOrEqual(300);
    await screenshot(page, 'simulator-login');

    await page.locator('#login').tap();
    await page.locator('#pin').waitFor();
    const pin = (await page.locator('#pin').textContent()) ?? '';
    expect(pin).toMatch(/^[A-Z0-9]{5}$/);
    expect(pin).toBe(h.sim.approve(token)); // the same code the simulator will accept
    const fontPx = await page.evaluate(
      "parseFloat(getComputedStyle(document.getElementById('pin')).fontSize)",
    );
    expect(fontPx).toBeGreaterThanOrEqual(40);
    expect((await box('#copy')).height).toBeGreaterThanOrEqual(48);

    await page.locator('#copy').tap();
    await page.getByText('Copied. Go back and paste it').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(pin);
    await screenshot(page, 'simulator-code');
  });

  test('a refusal page is phone-sized too', async () => {
    await page.goto(`${h.sim.authorizeUrlBase}?key=test-consumer-key&token=abc`);
    expect(await page.locator('h1').textContent()).toBe('E*TRADE simulator: cannot authorize');
    expect(await page.locator('meta[name="viewport"]').count()).toBe(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  });
});
