import { serve, type ServerType } from '@hono/node-server';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContent, loadContent, SHIPPED_FILES } from '../../src/content/index.js';
import { leafletMessageId, LEAFLET_PARTS } from '../../src/content/leaflet-texts.js';
import type { TopicsFile } from '../../src/content/schema.js';
import { LOCALES, type LocaleCode } from '../../src/core/locales.js';
import { LAYOUTS, renderLeafletPage, type LeafletRequest } from '../../src/leaflets/page.js';
import { signedIn } from '../console/helpers.js';
import { browserAvailable, launchChromium } from '../support/browser.js';
import { startRelais, type TestRelais } from '../support/relais.js';

/**
 * Leaflets printed by a real browser: Debian's Chromium (playwright-core) prints leaflets from the
 * console of a real Node server to PDF, and the PDF is read back — its pages (counted in the file:
 * `/Type /Page` objects, and by pdf.js), their size, the fonts embedded (text stays text: Arabic and
 * Ethiopic shaped by the browser with Noto faces, no image), and the words (pdf.js through `unpdf`).
 * Arabic comes out of a PDF in visual order, shaped: its words are compared letter for letter after
 * folding the shaped forms (NFKC) and reversing them; Tigrinya and Latin text compare as written.
 * Skipped where Chromium is not installed, unless RELAIS_BROWSER_TESTS=required (CI).
 */
/** Fonts for Arabic script and Ethiopic, as fontconfig (which Chromium asks) knows them. */
function hasFontFor(lang: string): boolean {
  try {
    return execFileSync('fc-list', [`:lang=${lang}`, 'family'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}
const available = browserAvailable('leaflets printed by Chromium', [
  !(hasFontFor('ar') && hasFontFor('ti')) && 'no font for Arabic or Ethiopic (apt-get install fonts-noto-core)',
]);

const content = loadContent();
const topics = SHIPPED_FILES.topics as TopicsFile;
/** A6 and A4 in PDF points (1/72 in). */
const PAPER = { a6: [297.64, 419.53], a4: [595.28, 841.89] } as const;

interface PrintedPdf {
  pages: number;
  pdfJsPages: number;
  mediaBoxes: number[][];
  fonts: string[];
  images: number;
  text: string;
}

async function readPdf(pdf: Buffer): Promise<PrintedPdf> {
  const raw = pdf.toString('latin1');
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: true });
  return {
    pages: (raw.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length,
    pdfJsPages: doc.numPages,
    mediaBoxes: [...raw.matchAll(/\/MediaBox\s*\[([^\]]*)\]/g)].map((m) => m[1]!.trim().split(/\s+/).map(Number)),
    fonts: [...new Set([...raw.matchAll(/\/BaseFont\s*\/[A-Z]{6}\+([A-Za-z0-9_-]+)/g)].map((m) => m[1]!))],
    images: (raw.match(/\/Subtype\s*\/Image/g) ?? []).length,
    text,
  };
}

/** Text as extracted, and as expected: shaped Arabic folded, vowel marks and tatweel dropped, spaces collapsed. */
const fold = (s: string) => s.normalize('NFKC').replace(/\p{Mn}|\u0640|[\u2066-\u2069]/gu, '').replace(/\s+/g, ' ');
/**
 * The words of a text as a PDF of it holds them: Arabic-script words reversed (visual order). Arabic
 * words written with vowel marks or a lam-alef (one glyph) are left to the letter count: pdf.js splits
 * and reorders their glyphs.
 */
function wordsAsPrinted(text: string, rtl: boolean): string[] {
  return text
    .normalize('NFC')
    .split(/[\s«»“”()،؛:.؟?!,\u2066-\u2069]+/)
    .filter((w) => !(rtl && (/\p{Mn}/u.test(w) || /ل[اأإآ]/.test(w))))
    .map(fold)
    .filter((w) => w.length > 1)
    .map((w) => (rtl && /[\u0600-\u06ff]/.test(w) ? [...w].reverse().join('') : w));
}

/** How many times each letter occurs (folded): a printed page must hold at least the letters of its texts. */
function letters(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ch of fold(text)) if (/\p{L}/u.test(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

describe.skipIf(!available)('leaflets printed by Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let relais: TestRelais;
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    browser = await launchChromium();
    relais = await startRelais({ env: { TELEGRAM_BOT_USERNAME: 'Relais_AnafeBot', WHATSAPP_DISPLAY_NUMBER: '33612345678', ASSOCIATION_NAME: 'Anafé' } });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: relais.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    const { cookie } = await signedIn(relais, { role: 'coordinator' });
    const [name, value] = cookie.split('=') as [string, string];
    context = await browser.newContext();
    await context.addCookies([{ name, value, url: `${base}/console` }]);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** Opens a leaflet in the console as a coordinator does, and prints it to PDF. */
  async function print(query: string): Promise<{ pdf: PrintedPdf; dom: string; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    // CSP refusals and script errors; failed loads are told by their response (the browser's own
    // favicon request is not ours).
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${base}/console/leaflets/view?${query}`);
    expect(response?.status()).toBe(200);
    await page.evaluate('document.fonts.ready.then(() => true)');
    const dom = (await page.locator('main.sheet').innerText()).normalize('NFC');
    const pdf = await readPdf(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await page.close();
    return { pdf, dom, errors };
  }

  it.each([
    ['ar', 'NotoNaskhArabic'],
    ['ti', 'NotoSansEthiopic'],
  ] as const)('prints a %s A6 card on one page of A6, its words as text in a %s face', async (locale, face) => {
    const { pdf, dom, errors } = await print(`entry=frontiere-italie&locale=${locale}&layout=a6`);
    expect(errors, errors.join("\n")).toEqual([]); // the console's CSP let the page be (inline styles, the print script)
    expect(pdf.pages).toBe(1);
    expect(pdf.pdfJsPages).toBe(1);
    for (const [w, h] of pdf.mediaBoxes.map((b) => [b[2]! - b[0]!, b[3]! - b[1]!])) {
      expect(Math.abs(w! - PAPER.a6[0])).toBeLessThan(1.5);
      expect(Math.abs(h! - PAPER.a6[1])).toBeLessThan(1.5);
    }
    expect(pdf.images).toBe(0);
    expect(pdf.fonts.some((f) => f.startsWith(face)), pdf.fonts.join(' ')).toBe(true);

    const rtl = content.locales[locale].direction === 'rtl';
    const printed = fold(pdf.text);
    const ids = LEAFLET_PARTS.map((p) => leafletMessageId('frontiere-italie', p));
    const allWords: string[] = [];
    for (const id of [...ids, 'leaflet.scan', 'leaflet.telegram', 'leaflet.whatsapp']) {
      const text = content.translation(locale, id);
      const words = wordsAsPrinted(text, rtl);
      allWords.push(...words);
      if (!rtl) expect(words.filter((w) => !printed.includes(w)), id).toEqual([]);
      // Every word of it, whole, as the browser laid it out.
      expect(fold(dom), id).toContain(fold(text).trim());
    }
    // pdf.js reorders some glyphs of shaped Arabic (next to vowel marks): most words come back whole,
    // and the letter count below finds every letter. Other scripts come back word for word.
    const missing = allWords.filter((w) => !printed.includes(w));
    expect(missing.length, `${missing.join(' ')} not in ${printed}`).toBeLessThanOrEqual(Math.floor(allWords.length / 4));
    if (!rtl) expect(printed).toContain(fold(content.translation(locale, 'leaflet.frontiere-italie.title')));
    const expected = letters([...ids, 'leaflet.scan', 'leaflet.about', 'leaflet.privacy'].map((id) => content.translation(locale, id)).join(' '));
    const found = letters(printed);
    for (const [letter, n] of expected) expect(found.get(letter) ?? 0, `letter ${letter}`).toBeGreaterThanOrEqual(n);
    // The French to say aloud and the links, as written.
    expect(printed).toContain('Je veux demander l’asile');
    expect(printed.replace(/\s/g, '')).toContain(`https://t.me/Relais_AnafeBot?start=frontiere-italie--${locale}`);
    expect(printed).toContain('wa.me/33612345678');
    expect(printed).toContain('Anafé');
    // What the coordinator reads on screen is not printed.
    expect(printed).not.toMatch(/draft translation|Print on A6/);
  });

  it('prints a bilingual A4 poster (French and Arabic) on one page of A4', async () => {
    const { pdf, errors } = await print('entry=zone-attente&locale=ar&layout=a4&bilingual=1');
    expect(errors).toEqual([]);
    expect([pdf.pages, pdf.pdfJsPages]).toEqual([1, 1]);
    const [w, h] = [pdf.mediaBoxes[0]![2]! - pdf.mediaBoxes[0]![0]!, pdf.mediaBoxes[0]![3]! - pdf.mediaBoxes[0]![1]!];
    expect(Math.abs(w - PAPER.a4[0])).toBeLessThan(1.5);
    expect(Math.abs(h - PAPER.a4[1])).toBeLessThan(1.5);
    expect(fold(pdf.text)).toContain(fold(content.translation('fr', 'leaflet.zone-attente.3')));
  });

  it('lays every leaflet out within its page, and right-to-left ones right to left', async () => {
    const reach = { telegram: { status: 'ok', username: 'Relais_Association_Bot' }, whatsapp: { status: 'ok', number: '33612345678' } } as const;
    const page = await browser.newPage();
    const requests: LeafletRequest[] = [];
    for (const layout of LAYOUTS) for (const entry of topics.leaflets) for (const locale of LOCALES) requests.push({ entry, locale, layout });
    for (const entry of topics.leaflets) for (const locale of LOCALES.filter((l) => l !== 'fr')) requests.push({ entry, locale, layout: 'a4', bilingual: true });
    const overflowing: string[] = [];
    for (const request of requests) {
      // A long association name, as a real one may be.
      await page.setContent(renderLeafletPage(content, topics, request, reach, { associationName: 'Association nationale d’assistance aux frontières pour les étrangers' }));
      // A string: this project's TypeScript has no DOM types, the expression runs in the page.
      const fits = await page.evaluate(
        "(() => { const s = document.querySelector('.sheet'); return s.scrollHeight <= s.clientHeight && s.scrollWidth <= s.clientWidth; })()",
      );
      if (!fits) overflowing.push(`${request.entry} ${request.locale} ${request.layout}${request.bilingual ? ' bilingual' : ''}`);
    }
    expect(overflowing).toEqual([]);
    // The measure sees an overflow when there is one: a line ten times too long.
    const files = structuredClone(SHIPPED_FILES) as { topics: unknown; locales: Record<string, { messages: Record<string, string> }> };
    files.locales.ar!.messages['leaflet.asile.1'] = content.translation('ar', 'leaflet.asile.1').repeat(10);
    await page.setContent(renderLeafletPage(buildContent(files), topics, { entry: 'asile', locale: 'ar', layout: 'a6' }, reach));
    expect(await page.evaluate("(() => { const s = document.querySelector('.sheet'); return s.scrollHeight > s.clientHeight; })()")).toBe(true);

    // Right to left: the title's first word sits at the right, the Telegram code right of WhatsApp's.
    await page.setContent(renderLeafletPage(content, topics, { entry: 'asile', locale: 'fa' as LocaleCode, layout: 'a6' }, reach));
    const box = async (selector: string) => (await page.locator(selector).boundingBox())!;
    const [sheet, title, telegram, whatsapp] = [await box('.sheet'), await box('h1'), await box('.code.telegram'), await box('.code.whatsapp')];
    expect(sheet.x + sheet.width - (title.x + title.width)).toBeLessThan(25);
    expect(telegram.x).toBeGreaterThan(whatsapp.x);
    await page.close();
  });
});
