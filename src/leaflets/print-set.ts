import type { Content } from '../content/index.js';
import { leafletMessageId } from '../content/leaflet-texts.js';
import type { TopicsFile } from '../content/schema.js';
import { LOCALES, SOURCE_LOCALE, type LocaleCode } from '../core/locales.js';
import type { Reach } from './links.js';
import { leafletName, leafletNotes, renderLeafletPage, type Layout, type LeafletRequest } from './page.js';
import { escapeHtml as esc } from './qr.js';

/**
 * The set of leaflets a print shop gets (`npm run leaflets -- --out DIR`): one self-contained HTML file
 * per entry point × language × layout, bilingual A4 posters (French + each language) when asked, and
 * an `index.html` that lists them with what the coordinator should know (a code left out, a draft
 * translation). Pure: files as text; the command writes them.
 */
export interface PrintSetOptions {
  layouts: Layout[];
  bilingual: boolean;
  entries?: string[];
  locales?: LocaleCode[];
  associationName?: string;
}

export interface PrintFile {
  name: string;
  html: string;
}

export function printSet(content: Content, topics: Pick<TopicsFile, 'leaflets'>, reach: Reach, options: PrintSetOptions): { files: PrintFile[]; requests: LeafletRequest[] } {
  const entries = options.entries ?? topics.leaflets;
  const locales = options.locales ?? [...LOCALES];
  const requests: LeafletRequest[] = [];
  for (const entry of entries) {
    for (const locale of locales) {
      for (const layout of options.layouts) requests.push({ entry, locale, layout });
      if (options.bilingual && locale !== SOURCE_LOCALE) requests.push({ entry, locale, layout: 'a4', bilingual: true });
    }
  }
  const pageOptions = options.associationName ? { associationName: options.associationName } : {};
  const files = requests.map((request) => ({
    name: `${leafletName(request)}.html`,
    html: renderLeafletPage(content, topics, request, reach, pageOptions),
  }));
  files.push({ name: 'index.html', html: indexPage(content, topics, reach, requests) });
  return { files, requests };
}

function indexPage(content: Content, topics: Pick<TopicsFile, 'leaflets'>, reach: Reach, requests: LeafletRequest[]): string {
  const rows = requests.map((r) => {
    const notes = leafletNotes(content, topics, r, reach).filter((n) => !n.startsWith('Telegram:') && !n.startsWith('WhatsApp:'));
    const kind = r.bilingual ? `A4, French + ${content.locales[r.locale].englishName}` : `${r.layout.toUpperCase()}, ${content.locales[r.locale].englishName}`;
    const title = content.translation(r.locale, leafletMessageId(r.entry, 'title'));
    return `<tr><td><a href="${esc(leafletName(r))}.html">${esc(leafletName(r))}</a></td><td>${esc(kind)}</td><td lang="${r.locale}" dir="${content.locales[r.locale].direction}">${esc(title)}</td><td>${esc(notes.join(' '))}</td></tr>`;
  });
  const missing = [reach.telegram, reach.whatsapp].flatMap((c) => (c.status === 'missing' ? [c.why] : []));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Relais leaflets</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: start; padding: .3rem .5rem; border-bottom: 1px solid #8884; vertical-align: top; }
:lang(ar), :lang(fa), :lang(ps) { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", sans-serif; }
:lang(ti) { font-family: "Noto Sans Ethiopic", "Abyssinica SIL", sans-serif; }
.warn { color: #7a4b00; }
</style></head>
<body>
<h1>Relais leaflets</h1>
<p>Each file is one leaflet, ready to print: open it in a browser and print on the paper its name says (a6: 105 × 148 mm, a4: 210 × 297 mm),
margins none, scale 100 %. Text and QR codes are vectors; the fonts are the system's (Noto for Arabic script and Ethiopic).</p>
${missing.map((m) => `<p class="warn">${esc(m)} That QR code is left out of every leaflet.</p>`).join('\n')}
<table><thead><tr><th>File</th><th>Paper, language</th><th>Title</th><th>Before printing</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`;
}
