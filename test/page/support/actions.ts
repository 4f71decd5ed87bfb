import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { screenshot } from './browser';

const RESULTS_DIR = join(process.cwd(), 'test-results');

/** Where an action happens: on our page, or on E*TRADE's own (the simulator's) login pages. */
export type Place = 'page' | 'etrade';

export interface Action {
  readonly place: Place;
  readonly what: string;
}

/**
 * The trader's actions, counted as a phone user makes them: a tap, a paste (long-press → Paste is
 * one action), a switch between the page and E*TRADE's tab; a key press would count as one too (the
 * walk needs none). Opening the sign-in link is the start and not counted; typing on E*TRADE's login
 * form would be excluded (the simulator has none). `shot` saves what the phone shows after the
 * actions so far, as `<prefix>-<n>-<slug>.png` under test-results/screenshots.
 */
export class ActionLog {
  readonly actions: Action[] = [];

  constructor(private readonly prefix: string) {}

  count(place: Place): number {
    return this.actions.filter((action) => action.place === place).length;
  }

  async tap(place: Place, target: Locator, what: string): Promise<void> {
    await target.tap();
    this.actions.push({ place, what });
  }

  /** A paste from the clipboard into a field (the phone's long-press → Paste). */
  async paste(target: Locator, what: string): Promise<void> {
    await target.focus();
    await target.page().keyboard.press('ControlOrMeta+V');
    this.actions.push({ place: 'page', what });
  }

  /**
   * Back to a tab (or app) the trader left: one tap in the phone's switcher. Headless Chromium keeps
   * every tab 'visible', so the events a phone fires on the way back are dispatched here.
   */
  async switchTo(place: Place, page: Page, what: string): Promise<void> {
    await page.bringToFront();
    await page.evaluate(
      "document.dispatchEvent(new Event('visibilitychange')); window.dispatchEvent(new Event('focus'))",
    );
    this.actions.push({ place, what });
  }

  /** Saves what the phone shows now (and the whole page), numbered after the actions so far. */
  async shot(page: Page, slug: string): Promise<string> {
    const name = `${this.prefix}-${this.actions.length}-${slug}`;
    await screenshot(page, name);
    await screenshot(page, `${name}-full`, { fullPage: true });
    return name;
  }

  describe(): string {
    return this.actions.map((action, i) => `${i + 1}. [${action.place}] ${action.what}`).join('\n');
  }

  /** Writes the count and the list, with `notes`, to test-results/<prefix>-actions.txt for a human. */
  async save(notes: string): Promise<void> {
    await mkdir(RESULTS_DIR, { recursive: true });
    const summary = `${this.count('page')} actions on the page, ${this.count('etrade')} at E*TRADE`;
    await writeFile(
      join(RESULTS_DIR, `${this.prefix}-actions.txt`),
      `${summary}\n${this.describe()}\n${notes}\n`,
    );
  }
}
