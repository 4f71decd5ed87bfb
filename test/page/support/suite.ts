import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousAxeViolations } from './axe';
import { launchChromium, phoneContext, screenshot, watchProblems } from './browser';
import { PageWorld } from './pageWorld';

export interface PhoneSuite {
  world: PageWorld;
  browser: Browser;
  /** A fresh context (cookies, storage) and page for every test. */
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/**
 * One local system and one Chromium per test file, a fresh phone context per test; every test ends
 * with no script error and no CSP refusal on the page.
 */
export function phoneSuite(startAt: string): PhoneSuite {
  const suite = {} as PhoneSuite;
  beforeAll(async () => {
    [suite.world, suite.browser] = await Promise.all([PageWorld.start(startAt), launchChromium()]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.world?.close();
  });
  beforeEach(async () => {
    suite.context = await phoneContext(suite.browser);
    suite.page = await suite.context.newPage();
    suite.problems = watchProblems(suite.page);
  });
  afterEach(async () => {
    await suite.context?.close();
    expect(suite.problems).toEqual([]);
  });
  return suite;
}

/** Saves the state's screenshot and checks it has no serious or critical axe violation. */
export async function checkState(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await screenshot(page, name, options);
  expect(await seriousAxeViolations(page)).toEqual([]);
}

export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').trim();
}

export async function focusedId(page: Page): Promise<string> {
  return (await page.evaluate('document.activeElement ? document.activeElement.id : ""')) as string;
}

/** The text of a connection's card field, e.g. `cardText(page, 'prod', '.generation')`. */
export function card(page: Page, connection: string) {
  return page.locator(`#connections [data-connection="${connection}"]`);
}
