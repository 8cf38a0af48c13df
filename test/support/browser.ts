import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium through playwright-core, for the tests that need a real browser
 * (`npx playwright install` cannot download one on these machines; `apt-get install chromium` can).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether a browser test can run here: it needs the browser and whatever else `also` names as missing
 * (a font, say). A fresh machine skips the test and says why; CI sets RELAIS_BROWSER_TESTS=required, so
 * that a missing piece fails the file instead of hiding it.
 */
export function browserAvailable(title: string, also: Array<string | false> = []): boolean {
  const missing = [!existsSync(CHROMIUM) && `no browser at ${CHROMIUM} (apt-get install chromium)`, ...also].filter(
    (m): m is string => typeof m === 'string',
  );
  if (missing.length === 0) return true;
  if (process.env.RELAIS_BROWSER_TESTS === 'required') {
    throw new Error(`RELAIS_BROWSER_TESTS=required but ${missing.join(', ')}`);
  }
  console.warn(`${title}: skipped, ${missing.join(', ')}`);
  return false;
}

/** Headless, sandboxless (containers), and quiet: no background requests of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run'],
  });
}
