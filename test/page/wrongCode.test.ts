import type { Page, Response } from 'playwright-core';
import { screenshot } from './support/browser';
import { focusedId, checkState, phoneSuite, textOf } from './support/suite';

// Tuesday 11 March 2025, 08:30 in New York (EDT).
const suite = phoneSuite('2025-03-11T12:30:00Z');

/** Taps the hero's renew button; returns the request token E*TRADE's (the simulator's) tab shows. */
async function startRenewal(page: Page): Promise<string> {
  const { world, context } = suite;
  const opened = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Renew Live token' }).tap();
  const etrade = await opened;
  await etrade.waitForURL((url) => url.href.startsWith(world.system.simulator!.authorizeUrlBase));
  const token = new URL(etrade.url()).searchParams.get('token')!;
  await etrade.close();
  await page.locator('#pin').waitFor();
  return token;
}

/** Puts `code` on the clipboard and pastes it into the field, as the trader does; returns the answer. */
async function pasteCode(page: Page, code: string): Promise<Response> {
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(code)})`);
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/exchange-pin'));
  await page.locator('#pin').focus();
  await page.keyboard.press('ControlOrMeta+V');
  return answered;
}

const otherThan = (pin: string, i = 0) => (pin.startsWith('A') ? `B${i}` : `A${i}`) + pin.slice(2);

describe('a code E*TRADE does not accept', () => {
  beforeEach(() => suite.context.grantPermissions(['clipboard-read', 'clipboard-write']));
  afterEach(() => suite.world.system.simulator!.answerWrongVerifierWith('token_rejected'));

  test.each([
    ['token_rejected in a Tomcat page, as E*TRADE answers', 'token_rejected'],
    ['a bare 401, as another server may', 'bare401'],
  ] as const)(
    '%s: "Code not accepted — 4 tries left" (HTTP 422), no alert, and the right code then renews',
    async (_name, form) => {
      const { page, world } = suite;
      world.system.simulator!.answerWrongVerifierWith(form);
      const before = (await world.status()).connections.find((c) => c.id === 'prod')!.generation;
      await world.signIn(page);
      const pin = world.system.simulator!.approve(await startRenewal(page));
      world.notices.length = 0;

      const answer = await pasteCode(page, otherThan(pin));
      expect(answer.status()).toBe(422);
      expect(await answer.json()).toEqual({
        error: {
          code: 'ERR_VERIFIER_REJECTED',
          message: 'E*TRADE did not accept that PIN. Check it and try again.',
          details: { step: 'exchange', attemptsLeft: 4 },
        },
      });
      await page.locator('#pin-problem:not([hidden])').waitFor();
      expect(await textOf(page, '#pin-problem')).toBe('Code not accepted — 4 tries left.');
      // The wrong code is selected, so the next paste replaces it; the login stays open.
      expect(await focusedId(page)).toBe('pin');
      expect(
        await page.evaluate('[document.activeElement.selectionStart, document.activeElement.selectionEnd]'),
      ).toEqual([0, 5]);
      expect(await page.locator('#pin').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#renew-result').isVisible()).toBe(false);
      expect(world.notices.map((n) => n.kind)).not.toContain('renewal.failed');
      expect((await world.status()).connections.find((c) => c.id === 'prod')!.generation).toBe(before);
      await checkState(page, `wrong-code-${form}`);
      await screenshot(page, `wrong-code-${form}-full`, { fullPage: true });
      expect((await page.evaluate('document.documentElement.scrollHeight')) as number).toBeLessThanOrEqual(
        1.5 * 844,
      );

      const right = await pasteCode(page, pin);
      expect(right.status()).toBe(200);
      await page.locator('#renew-done').waitFor();
      expect(await page.locator('#renew').isVisible()).toBe(false);
      await page.locator('#hero .generation', { hasText: String(before + 1) }).waitFor();
    },
  );

  test('the fifth wrong code ends the login, and "Start again" opens a new one', async () => {
    const { page, world, context } = suite;
    world.system.simulator!.answerWrongVerifierWith('bare401');
    await world.signIn(page);
    const pin = world.system.simulator!.approve(await startRenewal(page));
    for (let i = 1; i <= 4; i++) {
      expect((await pasteCode(page, otherThan(pin, i))).status()).toBe(422);
      await page.locator('#pin-problem', { hasText: `${5 - i} ${i === 4 ? 'try' : 'tries'} left` }).waitFor();
    }
    expect(await textOf(page, '#pin-problem')).toBe('Code not accepted — 1 try left.');
    expect((await pasteCode(page, otherThan(pin, 5))).status()).toBe(422);
    await page.locator('#renew-result.error').waitFor();
    expect(await textOf(page, '#renew-result .result-text')).toBe(
      'Code not accepted, and that was the last try.',
    );
    expect(await page.locator('#pin').count()).toBe(0);
    expect(world.notices.map((n) => n.kind)).not.toContain('renewal.failed');
    await checkState(page, 'wrong-code-last-try');

    const opened = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Start again' }).tap();
    const etrade = await opened;
    await etrade.waitForURL((url) => url.href.startsWith(world.system.simulator!.authorizeUrlBase));
    await page.locator('#pin').waitFor();
  });
});
