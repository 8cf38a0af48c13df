import { serve, type ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRelais, type TestRelais } from '../support/relais.js';

/**
 * The local web chat in a real browser (Debian's Chromium driven by playwright-core) against the real
 * Node server. Skipped where Chromium is not installed (a fresh machine); CI installs it and sets
 * RELAIS_BROWSER_TESTS=required so that a missing browser fails instead.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.RELAIS_BROWSER_TESTS === 'required') {
  throw new Error(`RELAIS_BROWSER_TESTS=required but no browser at ${CHROMIUM}`);
}

describe.skipIf(!available)('the /chat page in Chromium', () => {
  let browser: Browser;
  let relais: TestRelais;
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run'],
    });
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

  it('shows Arabic right to left after switching language', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/chat?new`);
    await page.locator('.choices button').first().waitFor();
    await page.click('[data-command="language"]');
    const arabic = page.locator('.choices button:not([disabled])', { hasText: 'العربية' });
    await arabic.first().waitFor();
    await arabic.first().click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('ar');
    const lastBot = page.locator('.msg:not(.mine)').last();
    expect(await lastBot.getAttribute('dir')).toBe('rtl');
    await context.close();
  });
});
