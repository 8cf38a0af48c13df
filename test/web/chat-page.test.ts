import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/index.js';
import { browserAvailable, launchChromium } from '../support/browser.js';
import { startRelais, type TestRelais } from '../support/relais.js';

/**
 * The local web chat in a real browser (Debian's Chromium driven by playwright-core) against the real
 * Node server. Skipped where Chromium is not installed (a fresh machine); CI installs it and sets
 * RELAIS_BROWSER_TESTS=required so that a missing browser fails instead.
 */
const available = browserAvailable('the /chat page in Chromium');

describe.skipIf(!available)('the /chat page in Chromium', () => {
  let browser: Browser;
  let relais: TestRelais;
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    relais = await startRelais();
    await new Promise<void>((resolve) => {
      server = serve({ fetch: relais.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    return () => new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('greets a French browser in French, and a tap and a typed number both move on', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${base}/chat?new`);
    const bot = page.locator('.msg:not(.mine)');
    await expect.poll(() => bot.count()).toBeGreaterThan(0);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');

    // Tap the first choice offered.
    const firstChoice = page.locator('.choices button:not([disabled])').first();
    await firstChoice.waitFor();
    const before = await bot.count();
    await firstChoice.click();
    await expect.poll(() => bot.count()).toBeGreaterThan(before);

    // Type a number instead of tapping.
    const afterTap = await bot.count();
    await page.fill('#text', '1');
    await page.press('#text', 'Enter');
    await expect.poll(() => bot.count()).toBeGreaterThan(afterTap);
    expect(await page.locator('.msg.mine').last().textContent()).toBe('1');
    await context.close();
  });

  it('shows Arabic right to left after switching language, the page’s own words included', async () => {
    const content = loadContent();
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/chat?new`);
    await page.locator('.choices button').first().waitFor();
    expect(await page.textContent('button[type=submit]')).toBe(content.text('en', 'web.send'));
    await page.click('[data-command="language"]');
    const arabic = page.locator('.choices button:not([disabled])', { hasText: 'العربية' });
    await arabic.first().waitFor();
    await arabic.first().click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('ar');
    const lastBot = page.locator('.msg:not(.mine)').last();
    expect(await lastBot.getAttribute('dir')).toBe('rtl');
    // The header, the input and Send follow the reader's language and direction.
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await expect.poll(() => page.textContent('button[type=submit]')).toBe(content.text('ar', 'web.send'));
    expect(await page.textContent('[data-command="menu"]')).toBe(content.text('ar', 'web.menu'));
    expect(await page.textContent('[data-command="language"]')).toBe(content.text('ar', 'web.language'));
    expect(await page.textContent('[data-command="volunteer"]')).toBe(content.text('ar', 'web.volunteer'));
    expect(await page.getAttribute('#text', 'placeholder')).toBe(content.text('ar', 'web.placeholder'));
    // The header sits right to left: Menu is now to the right of Volunteer.
    const menu = (await page.locator('[data-command="menu"]').boundingBox())!;
    const volunteer = (await page.locator('[data-command="volunteer"]').boundingBox())!;
    expect(menu.x).toBeGreaterThan(volunteer.x);

    // And back to a left-to-right language.
    await page.click('[data-command="language"]');
    const french = page.locator('.choices button:not([disabled])', { hasText: 'Français' });
    await french.first().waitFor();
    await french.first().click();
    await expect.poll(() => page.getAttribute('html', 'dir')).toBe('ltr');
    await expect.poll(() => page.textContent('button[type=submit]')).toBe(content.text('fr', 'web.send'));
    await context.close();
  });
});

describe('the /chat page’s words', () => {
  it('are served per locale, with the direction, and a bad locale is refused', async () => {
    const relais = await startRelais();
    const ar = await relais.request('/chat/api/words?locale=ar');
    expect(ar.status).toBe(200);
    const content = loadContent();
    expect(await ar.json()).toEqual({
      locale: 'ar',
      direction: 'rtl',
      words: {
        menu: content.text('ar', 'web.menu'),
        language: content.text('ar', 'web.language'),
        volunteer: content.text('ar', 'web.volunteer'),
        placeholder: content.text('ar', 'web.placeholder'),
        send: content.text('ar', 'web.send'),
        subtitle: content.text('ar', 'web.subtitle'),
      },
    });
    expect(((await relais.request('/chat/api/words?locale=pt-BR').then((r) => r.json())) as { direction: string }).direction).toBe('ltr');
    expect((await relais.request('/chat/api/words?locale=xx')).status).toBe(400);
  });
});
