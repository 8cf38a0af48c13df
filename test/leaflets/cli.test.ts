import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect } from 'vitest';
import { SHIPPED_FILES } from '../../src/content/index.js';
import type { TopicsFile } from '../../src/content/schema.js';
import { LOCALES } from '../../src/core/locales.js';
import { FAKE_BOT_INFO } from '../support/fake-telegram-api.js';
import { test } from '../support/fixtures.js';
import { qrCodesOf } from '../support/qr.js';

/** `npm run leaflets` as an operator runs it: the compiled entry, a real process, files on disk. */
const run = promisify(execFile);
const topics = SHIPPED_FILES.topics as TopicsFile;
const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

async function leaflets(args: string[], env: Record<string, string>) {
  const out = await mkdtemp(join(tmpdir(), 'relais-leaflets-'));
  dirs.push(out);
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/node/leaflets.js', '--out', out, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr, out };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, out };
  }
}

describe('npm run leaflets', () => {
  test('writes every entry point × language × layout, the bilingual posters and an index, codes that read back', async () => {
    const r = await leaflets(['--bilingual'], { TELEGRAM_BOT_USERNAME: 'RelaisBot', WHATSAPP_DISPLAY_NUMBER: '+33 6 12 34 56 78', ASSOCIATION_NAME: 'Anafé' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = await readdir(r.out);
    const expected = topics.leaflets.length * (LOCALES.length * 2 + (LOCALES.length - 1));
    expect(files).toHaveLength(expected + 1);
    expect(r.stdout).toContain(`Wrote ${expected} leaflets and index.html`);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'zone-attente.ar.a6.html', 'zone-attente.ti.a4.html', 'frontiere-italie.fr+ti.a4.html']));

    const html = await readFile(join(r.out, 'frontiere-italie.ti.a6.html'), 'utf8');
    expect(html).toContain('Anafé');
    expect(qrCodesOf(html).map((c) => c.decoded)).toEqual([
      'https://t.me/RelaisBot?start=frontiere-italie--ti',
      expect.stringMatching(/^https:\/\/wa\.me\/33612345678\?text=.*frontiere-italie--ti/),
    ]);
    const index = await readFile(join(r.out, 'index.html'), 'utf8');
    expect(index).toContain('<a href="frontiere-italie.fr+ti.a4.html">');
    expect(index).toContain('draft translation');
  });

  test('learns the username from Telegram with only a token; warns about the missing number; --layout, --entry and --locale narrow the set', async ({ telegramApi }) => {
    const r = await leaflets(['--layout', 'a6', '--entry', 'asile,mineurs', '--locale', 'ar,ti'], {
      TELEGRAM_BOT_TOKEN: telegramApi.token,
      TELEGRAM_WEBHOOK_SECRET: 'secret_1',
      TELEGRAM_API_ROOT: telegramApi.url,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('WhatsApp: number not configured (set WHATSAPP_DISPLAY_NUMBER). That QR code is left out of every leaflet.');
    expect((await readdir(r.out)).sort()).toEqual(['asile.ar.a6.html', 'asile.ti.a6.html', 'index.html', 'mineurs.ar.a6.html', 'mineurs.ti.a6.html']);
    const html = await readFile(join(r.out, 'mineurs.ar.a6.html'), 'utf8');
    expect(qrCodesOf(html).map((c) => c.decoded)).toEqual([`https://t.me/${FAKE_BOT_INFO.username}?start=mineurs--ar`]);
    expect(html).not.toContain('wa.me');
  });

  test('refuses to print leaflets that link nowhere, and says what to set; bad arguments are a usage error', async () => {
    const none = await leaflets([], {});
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('TELEGRAM_BOT_USERNAME');
    expect(none.stderr).toContain('WHATSAPP_DISPLAY_NUMBER');
    expect(await readdir(none.out)).toEqual([]);
    const bad = await leaflets(['--layout', 'a5', '--entry', 'nulle-part'], { TELEGRAM_BOT_USERNAME: 'RelaisBot' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--layout must be a6 or a4');
    expect(bad.stderr).toContain('--entry nulle-part: not an entry point');
  });
});
