import type { Content } from '../content/index.js';
import { LEAFLET_PARTS, leafletMessageId, leafletMessageIds } from '../content/leaflet-texts.js';
import type { TopicsFile } from '../content/schema.js';
import { LOCALES, SOURCE_LOCALE, type LocaleCode } from '../core/locales.js';
import { displayNumber, telegramLink, whatsappGreeting, whatsappLink, type Reach } from './links.js';
import { escapeHtml as esc, qrSvg } from './qr.js';

/**
 * A leaflet as one self-contained HTML page: text in the browser's fonts (Arabic and Ethiopic shaped
 * by the browser, never pictures of text), QR codes as inline SVG, no request to anything (a print
 * shop opens the file offline; the console's CSP allows nothing else). `@page` sets the paper.
 *
 * Layouts:
 * - `a6`: a card, 105 × 148 mm, one language;
 * - `a4`: a poster, 210 × 297 mm, one language, large codes to scan from a few steps away;
 * - `a4` bilingual: French above, the other language below, each half with its own codes (a French
 *   reader scanning opens the French conversation, an Arabic reader the Arabic one).
 * Each language's block carries its `lang` and `dir`: right-to-left blocks are laid out right to left
 * (CSS logical properties and grid follow `dir`), links stay left to right inside them.
 */

export const LAYOUTS = ['a6', 'a4'] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface LeafletRequest {
  /** The entry point: a deep-link alias listed in `topics.json` (`leaflets`). */
  entry: string;
  locale: LocaleCode;
  layout: Layout;
  /** A4 only: French above, `locale` below (`locale` must not be French). */
  bilingual?: boolean;
}

export interface LeafletPageOptions {
  /** The association's name (ASSOCIATION_NAME), printed beside Relais's when set. */
  associationName?: string;
  /** HTML shown above the sheet on screen only (the console's toolbar); never printed. */
  toolbar?: string;
}

/** The languages of a leaflet's blocks, in print order. */
export function leafletLocales(request: LeafletRequest): LocaleCode[] {
  return request.bilingual && request.layout === 'a4' && request.locale !== SOURCE_LOCALE ? [SOURCE_LOCALE, request.locale] : [request.locale];
}

/** A short name for files and titles: `zone-attente.ar.a6`, `zone-attente.fr+ar.a4`. */
export function leafletName(request: LeafletRequest): string {
  return `${request.entry}.${leafletLocales(request).join('+')}.${request.layout}`;
}

/**
 * What the coordinator should know before printing (shown on screen, never printed): a QR code left
 * out and why, translations not yet checked by a native speaker, or made from an older French text.
 */
export function leafletNotes(content: Content, topics: Pick<TopicsFile, 'leaflets'>, request: LeafletRequest, reach: Reach): string[] {
  const notes: string[] = [];
  if (reach.telegram.status === 'missing') notes.push(`${reach.telegram.why} The Telegram QR code is left out.`);
  if (reach.whatsapp.status === 'missing') notes.push(`${reach.whatsapp.why} The WhatsApp QR code is left out.`);
  const ids = leafletMessageIds({ leaflets: topics.leaflets.filter((a) => a === request.entry) });
  for (const locale of leafletLocales(request)) {
    if (locale === SOURCE_LOCALE) continue;
    const states = ids.map((id) => [id, content.state(locale, id)] as const);
    const stale = states.filter(([, s]) => s === 'stale').map(([id]) => id);
    const unchecked = states.filter(([, s]) => s === 'draft').length;
    const name = content.locales[locale].englishName;
    if (stale.length > 0) notes.push(`${name}: the French changed since these texts were translated (${stale.join(', ')}); they may be out of date.`);
    if (unchecked > 0) notes.push(`${name}: draft translation, not yet checked by a native speaker (${unchecked} of ${ids.length} texts).`);
  }
  return notes;
}

/** The whole page. `reach` says which QR codes can be drawn; a missing one is left out, with its note. */
export function renderLeafletPage(
  content: Content,
  topics: Pick<TopicsFile, 'leaflets'>,
  request: LeafletRequest,
  reach: Reach,
  options: LeafletPageOptions = {},
): string {
  if (!topics.leaflets.includes(request.entry)) throw new Error(`"${request.entry}" is not a leaflet entry point`);
  const locales = leafletLocales(request);
  const bilingual = locales.length > 1;
  const kind = bilingual ? 'a4 bilingual' : request.layout;
  const first = locales[0]!;
  const notes = leafletNotes(content, topics, request, reach);
  const title = locales.map((l) => text(content, l, leafletMessageId(request.entry, 'title'))).join(' / ');
  return `<!doctype html>
<html lang="${first}" dir="${content.locales[first].direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="relais-leaflet" content="${esc(leafletName(request))}">
<title>${esc(`${title} · Relais (${leafletName(request)})`)}</title>
<style>@page { size: ${request.layout === 'a4' ? '210mm 297mm' : '105mm 148mm'}; margin: 0; }${STYLE}</style>
</head>
<body class="${kind}">
${options.toolbar || notes.length > 0 ? `<div class="screen-only">${options.toolbar ?? ''}${notesHtml(notes)}</div>` : ''}
<main class="sheet">
${locales.map((l) => block(content, request.entry, l, reach, options.associationName)).join('\n')}
<p class="languages">${LOCALES.map((l) => `<span lang="${l}" dir="${content.locales[l].direction}">${esc(content.locales[l].nativeName)}</span>`).join(' · ')}</p>
</main>
</body>
</html>
`;
}

/** One language's block: who speaks, the title, three lines, the codes, what Relais is. */
function block(content: Content, entry: string, locale: LocaleCode, reach: Reach, associationName: string | undefined): string {
  const t = (id: string) => words(text(content, locale, id));
  const [, ...lines] = LEAFLET_PARTS;
  return `<section class="leaflet" lang="${locale}" dir="${content.locales[locale].direction}">
<div class="words">
<p class="from"><bdi>Relais</bdi>${associationName ? ` · <bdi>${esc(associationName)}</bdi>` : ''}</p>
<h1>${t(leafletMessageId(entry, 'title'))}</h1>
<ul class="lines">${lines.map((part) => `<li>${t(leafletMessageId(entry, part))}</li>`).join('')}</ul>
<p class="scan">${t('leaflet.scan')}</p>
<p class="about">${t('leaflet.about')} ${t('leaflet.privacy')}</p>
</div>
<div class="codes">
${telegramCode(content, entry, locale, reach)}
${whatsappCode(content, entry, locale, reach)}
</div>
</section>`;
}

function telegramCode(content: Content, entry: string, locale: LocaleCode, reach: Reach): string {
  if (reach.telegram.status === 'missing') return missing('telegram', reach.telegram.why);
  const url = telegramLink(reach.telegram.username, entry, locale);
  return `<figure class="code telegram" data-channel="telegram" data-url="${esc(url)}">
<div class="qr">${qrSvg(url, `Telegram: ${url}`)}</div>
<figcaption><strong>${esc(text(content, locale, 'leaflet.telegram'))}</strong>
<a class="link" dir="ltr" href="${esc(url)}">${esc(url)}</a></figcaption>
</figure>`;
}

function whatsappCode(content: Content, entry: string, locale: LocaleCode, reach: Reach): string {
  if (reach.whatsapp.status === 'missing') return missing('whatsapp', reach.whatsapp.why);
  const greeting = whatsappGreeting(content, entry, locale);
  const url = whatsappLink(reach.whatsapp.number, greeting);
  // The greeting, percent-encoded, cannot be typed: the written link is the number's, and the message
  // to send is written beside it, in the reader's language.
  return `<figure class="code whatsapp" data-channel="whatsapp" data-url="${esc(url)}">
<div class="qr">${qrSvg(url, `WhatsApp: ${displayNumber(reach.whatsapp.number)}`)}</div>
<figcaption><strong>${esc(text(content, locale, 'leaflet.whatsapp'))}</strong>
<a class="link" dir="ltr" href="${esc(url)}">wa.me/${esc(reach.whatsapp.number)}</a>
<bdi class="greeting">${esc(greeting)}</bdi></figcaption>
</figure>`;
}

/** Where a QR code would be: a note for the coordinator, on screen only. The link is never drawn. */
function missing(channel: 'telegram' | 'whatsapp', why: string): string {
  return `<p class="code missing screen-only" data-channel="${channel}" lang="en" dir="ltr">${esc(why)}</p>`;
}

function notesHtml(notes: string[]): string {
  if (notes.length === 0) return '';
  return `<ul class="notes" lang="en" dir="ltr">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
}

/** A leaflet's text: the translation as it stands (a stale one is flagged to the coordinator, not printed beside the French). */
function text(content: Content, locale: LocaleCode, id: string): string {
  const t = content.translation(locale, id);
  // French typography: a thin no-break space before ? ! : ; and inside « », so that a "?" never
  // starts a line alone under a poster's title.
  return locale === 'fr' ? t.replace(/ ([?!:;»])/g, '\u202f$1').replace(/« /g, '«\u202f') : t;
}

/**
 * Escaped text, with the Latin runs Relais isolates in right-to-left text (a French sentence to say
 * aloud, a place name) as `<bdi>` kept on one line: broken across lines, a French sentence inside
 * Arabic reads in a confusing order.
 */
function words(text: string): string {
  return esc(text).replace(/\u2068([^\u2069]*)\u2069/g, '<bdi>$1</bdi>');
}

/**
 * Fonts: the families Debian's `fonts-noto-core` installs (and most systems have under these names),
 * then whatever the system has. Arabic-script languages get Naskh, the book style their readers
 * expect; Tigrinya gets an Ethiopic face. Sizes in points, boxes in millimetres: this is paper.
 */
const STYLE = `
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #e8e8e8; color: #111;
  font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
:lang(ar), :lang(fa), :lang(ps) { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", "Noto Sans", sans-serif; }
:lang(ti) { font-family: "Noto Sans Ethiopic", "Abyssinica SIL", "Noto Serif Ethiopic", "Noto Sans", sans-serif; }
.link { font-family: "Noto Sans", "DejaVu Sans", sans-serif; }
.sheet { background: #fff; margin: 8mm auto; box-shadow: 0 1px 6px #0004; overflow: hidden;
  display: flex; flex-direction: column; break-after: page; }
.leaflet { display: flex; flex-direction: column; flex: 1 1 auto; min-height: 0; }
.words { display: flex; flex-direction: column; }
.from { margin: 0; color: #555; letter-spacing: .02em; }
h1 { margin: .15em 0 .3em; line-height: 1.2; font-weight: 700; }
.lines { margin: 0; padding-inline-start: 1.1em; }
.lines li { margin-block-end: .3em; line-height: 1.3; }
.words bdi { white-space: nowrap; }
.scan { margin: .4em 0 0; font-weight: 600; }
.about { margin: .3em 0 0; color: #333; line-height: 1.3; }
.codes { display: flex; justify-content: center; gap: 5mm; margin-block-start: auto; padding-block-start: 2mm; }
.code { margin: 0; text-align: center; display: flex; flex-direction: column; align-items: center; }
.qr svg { display: block; width: 100%; height: auto; }
figcaption { display: flex; flex-direction: column; align-items: center; gap: .15em; line-height: 1.2; }
.link { color: #111; text-decoration: none; overflow-wrap: anywhere; unicode-bidi: isolate; }
.greeting { color: #333; overflow-wrap: anywhere; border: 1px solid #bbb; border-radius: 2mm; padding: .1em .5em; }
.code.missing { border: 1px dashed #b00020; color: #b00020; padding: 2mm; font-size: 8pt; align-self: center; }
.languages { margin: 2mm 0 0; text-align: center; color: #555; }
.screen-only { max-width: 60rem; margin: 0 auto; padding: .5rem 1rem; font: 15px/1.4 system-ui, sans-serif; }
.notes { color: #7a4b00; background: #fff4d6; border: 1px solid #e0b44c; padding: .5rem 1rem .5rem 2rem; }

/* A6 card */
body.a6 .sheet { width: 105mm; height: 148mm; padding: 6mm 6.5mm 4mm; }
body.a6 .from { font-size: 7.5pt; }
body.a6 h1 { font-size: 15pt; }
body.a6 .lines { font-size: 10pt; }
body.a6 .scan { font-size: 8.5pt; }
body.a6 .about { font-size: 7pt; }
body.a6 .code { width: 42mm; }
body.a6 .qr { width: 32mm; }
body.a6 figcaption { font-size: 8.5pt; }
body.a6 .link, body.a6 .greeting { font-size: 6pt; }
body.a6 .languages { font-size: 6.5pt; }

/* A4 poster, one language */
body.a4 .sheet { width: 210mm; height: 297mm; padding: 16mm 16mm 10mm; }
body.a4 .from { font-size: 12pt; }
body.a4 h1 { font-size: 34pt; }
body.a4 .lines { font-size: 19pt; }
body.a4 .scan { font-size: 16pt; }
body.a4 .about { font-size: 12pt; }
body.a4 .codes { gap: 14mm; }
body.a4 .code { width: 82mm; }
body.a4 .qr { width: 70mm; }
body.a4 figcaption { font-size: 15pt; }
body.a4 .link, body.a4 .greeting { font-size: 9.5pt; }
body.a4 .languages { font-size: 11pt; }

/* A4 poster, French and one language: two halves, each its words beside its codes */
body.bilingual .sheet { width: 210mm; height: 297mm; padding: 11mm 12mm 7mm; gap: 5mm; }
body.bilingual .leaflet { display: grid; grid-template-columns: 1fr 52mm; gap: 6mm; align-items: center; }
body.bilingual .leaflet + .leaflet { border-block-start: 1px dashed #999; padding-block-start: 5mm; }
body.bilingual .codes { flex-direction: column; gap: 4mm; margin: 0; padding: 0; }
body.bilingual .from { font-size: 10pt; }
body.bilingual h1 { font-size: 24pt; }
body.bilingual .lines { font-size: 14pt; }
body.bilingual .scan { font-size: 12pt; }
body.bilingual .about { font-size: 10pt; }
body.bilingual .code { width: 52mm; }
body.bilingual .qr { width: 42mm; }
body.bilingual figcaption { font-size: 11pt; }
body.bilingual .link, body.bilingual .greeting { font-size: 7pt; }
body.bilingual .languages { font-size: 9pt; }

@media print {
  body { background: none; }
  .sheet { margin: 0; box-shadow: none; }
  .screen-only { display: none !important; }
}
`;
