import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; nothing is downloaded. A missing browser fails the run, it never skips it. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', whichChromium()];
  const found = candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
  if (!found) {
    throw new Error(
      'The page tests need Chromium at /usr/bin/chromium (or CHROMIUM_PATH, or `chromium` on PATH): ' +
        'apt-get install chromium. They never skip.',
    );
  }
  return found;
}

function whichChromium(): string | undefined {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A phone: 390×844, touch, and a time zone far from New York, so anything that leaned on the phone's
 * zone instead of US Eastern would show the wrong hour.
 */
export async function phoneContext(
  browser: Browser,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-US',
    timezoneId: 'Asia/Tokyo',
    colorScheme: options.colorScheme ?? 'light',
  });
}

/**
 * Collects what must never happen on the page: script errors, CSP refusals (the gateway sends
 * firebase.json's policy, so an inline style or script shows up here) and failed same-origin loads.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return problems;
}

const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots');

/** What the trader sees first (390×844), saved for a human to look at. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`),
    scale: 'css',
    animations: 'disabled',
    caret: 'hide',
    fullPage: options.fullPage ?? false,
  });
}
