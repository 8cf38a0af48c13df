import { describe, expect, it } from 'vitest';
import { loadContent, SHIPPED_FILES } from '../content/index.js';
import { entryCodesIn } from '../content/leaflet-texts.js';
import type { TopicsFile } from '../content/schema.js';
import { LOCALES } from '../core/locales.js';
import { qrCodesOf } from '../../test/support/qr.js';
import type { Reach } from './links.js';
import { leafletName, renderLeafletPage, type LeafletRequest } from './page.js';

const content = loadContent();
const topics = SHIPPED_FILES.topics as TopicsFile;
const BOT = 'Relais_AnafeBot';
const NUMBER = '33612345678';
const reach: Reach = { telegram: { status: 'ok', username: BOT }, whatsapp: { status: 'ok', number: NUMBER } };
const page = (request: LeafletRequest, r: Reach = reach, associationName?: string) =>
  renderLeafletPage(content, topics, request, r, associationName ? { associationName } : {});

describe('a leaflet page', () => {
  it('prints QR codes that read back to the exact links, for every entry point in every locale', () => {
    for (const entry of topics.leaflets) {
      for (const locale of LOCALES) {
        const codes = qrCodesOf(page({ entry, locale, layout: 'a6' }));
        expect(codes.map((c) => c.channel), `${entry} ${locale}`).toEqual(['telegram', 'whatsapp']);
        const [telegram, whatsapp] = codes;
        // Typed out here, not rebuilt with the code under test.
        expect(telegram!.decoded).toBe(`https://t.me/${BOT}?start=${entry}--${locale.toLowerCase()}`);
        expect(telegram!.decoded).toBe(telegram!.url);
        expect(whatsapp!.decoded).toBe(whatsapp!.url);
        const wa = new URL(whatsapp!.decoded!);
        expect(`${wa.origin}${wa.pathname}`).toBe(`https://wa.me/${NUMBER}`);
        const greeting = wa.searchParams.get('text')!;
        expect(greeting).toBe(content.translation(locale, 'leaflet.whatsapp.text', { code: `${entry}--${locale.toLowerCase()}` }));
        expect(entryCodesIn(greeting)[0]).toBe(`${entry}--${locale.toLowerCase()}`);
      }
    }
  });

  it('writes the links out, and the words in the page’s language and direction', () => {
    const html = page({ entry: 'frontiere-italie', locale: 'ar', layout: 'a6' }, reach, 'Anafé');
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(html).toContain('@page { size: 105mm 148mm; margin: 0; }');
    expect(html).toContain(`>https://t.me/${BOT}?start=frontiere-italie--ar</a>`);
    expect(html).toContain(`>wa.me/${NUMBER}</a>`);
    expect(html).toContain('Anafé');
    expect(html).toContain('هل أُعدت إلى إيطاليا؟');
    // The French to say aloud stays whole, on one line, inside the Arabic.
    expect(html).toContain('<bdi>Je veux demander l’asile</bdi>');
    // Self-contained: nothing fetched from anywhere.
    expect(html).not.toMatch(/<(script|link|img)\b|src=|@import|url\(/);
  });

  it('a bilingual A4 poster holds French above and the other language below, each with its own codes', () => {
    const html = page({ entry: 'zone-attente', locale: 'ti', layout: 'a4', bilingual: true });
    expect(leafletName({ entry: 'zone-attente', locale: 'ti', layout: 'a4', bilingual: true })).toBe('zone-attente.fr+ti.a4');
    expect(html).toContain('@page { size: 210mm 297mm; margin: 0; }');
    expect([...html.matchAll(/<section class="leaflet" lang="([^"]+)" dir="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual(['fr ltr', 'ti ltr']);
    expect(qrCodesOf(html).map((c) => c.decoded)).toEqual([
      `https://t.me/${BOT}?start=zone-attente--fr`,
      expect.stringMatching(/^https:\/\/wa\.me\/33612345678\?text=Bonjour/),
      `https://t.me/${BOT}?start=zone-attente--ti`,
      expect.stringMatching(/^https:\/\/wa\.me\/33612345678\?text=/),
    ]);
    // French typography: the question mark stays with its word.
    expect(page({ entry: 'zone-attente', locale: 'fr', layout: 'a4' })).toContain('l’aéroport\u202f?');
  });

  it('leaves out a QR code whose link is not configured, with a note for the coordinator, never a broken link', () => {
    const html = page({ entry: 'asile', locale: 'fa', layout: 'a6' }, {
      telegram: { status: 'ok', username: BOT },
      whatsapp: { status: 'missing', why: 'WhatsApp: number not configured (set WHATSAPP_DISPLAY_NUMBER).' },
    });
    expect(qrCodesOf(html).map((c) => c.channel)).toEqual(['telegram']);
    expect(html).not.toContain('wa.me');
    expect(html).toContain('<p class="code missing screen-only" data-channel="whatsapp" lang="en" dir="ltr">WhatsApp: number not configured');
    expect(html).toMatch(/<ul class="notes"[^>]*><li>WhatsApp: number not configured \(set WHATSAPP_DISPLAY_NUMBER\)\. The WhatsApp QR code is left out\./);
    // Draft translations are flagged on screen too.
    expect(html).toContain(`${content.locales.fa.englishName}: draft translation`);

    const none = page({ entry: 'asile', locale: 'fr', layout: 'a4' }, {
      telegram: { status: 'missing', why: 'Telegram: bot username not configured.' },
      whatsapp: { status: 'missing', why: 'WhatsApp: number not configured.' },
    });
    expect(qrCodesOf(none)).toEqual([]);
    expect(none).not.toMatch(/t\.me|wa\.me/);
    expect(none).toContain('The Telegram QR code is left out.');
  });

  it('refuses an entry point that is not a leaflet', () => {
    expect(() => page({ entry: 'nulle-part', locale: 'fr', layout: 'a6' })).toThrow(/not a leaflet entry point/);
  });
});
