import type { LocaleCode } from '../core/locales.js';
import type { TopicsFile } from './schema.js';

/**
 * The leaflets' words, as content: which messages a leaflet needs, how long they may be, and the
 * code that ties a printed leaflet to the conversation it opens. The leaflets themselves (QR codes,
 * pages) are drawn in `src/leaflets/`; the engine reads the code back (`conversation/understanding.ts`);
 * `content:check` holds every locale to what is here.
 *
 * An entry point is a deep-link alias listed in `topics.json` (`leaflets`): `zone-attente` opens the
 * relatives' waiting-zone topic, `frontiere-italie` and `frontiere-espagne` both open the land-border
 * menu but are two leaflets (Menton and Montgenèvre; Hendaye and Le Perthus), counted apart.
 */

/** The four messages of one entry point: a short title and three lines. */
export const LEAFLET_PARTS = ['title', '1', '2', '3'] as const;
export type LeafletPart = (typeof LEAFLET_PARTS)[number];

export const leafletMessageId = (alias: string, part: LeafletPart): string => `leaflet.${alias}.${part}`;

/** Words every leaflet shares, whatever its entry point. */
export const LEAFLET_SHARED_MESSAGES = [
  /** "Scan a code with your phone's camera." */
  'leaflet.scan',
  /** The caption under each QR code ("On Telegram"): the platform's name stays in Latin letters. */
  'leaflet.telegram',
  'leaflet.whatsapp',
  /** The WhatsApp message prefilled by the QR code, with `{code}` (`zone-attente--ar`) that the bot reads back. */
  'leaflet.whatsapp.text',
  /** What Relais is, and that it is not a lawyer. */
  'leaflet.about',
  /** That the person can erase what they wrote. */
  'leaflet.privacy',
] as const;

/**
 * Length limits, in characters, chosen so that a whole leaflet fits one A6 card (105 × 148 mm) at a
 * size a person reads without glasses (9–10 pt), with its two QR codes at 30 mm or more: a title on
 * two lines at most, three lines of about four printed lines each (room for a sentence to say aloud
 * in French with its pronunciation). The browser test measures every card against its page.
 */
export const LEAFLET_LIMITS = {
  title: 50,
  line: 140,
  /** `leaflet.scan`, `leaflet.about`, `leaflet.privacy`. */
  shared: 110,
  /** The caption under a QR code (a QR code is about 30 mm wide on a card). */
  caption: 24,
  /** The prefilled WhatsApp message, its code included: short, so that the person sees all of it. */
  prefill: 60,
} as const;

/**
 * A leaflet text's length as it takes room on paper: characters, without the invisible isolation
 * marks Relais puts around Latin runs in right-to-left text, nor the vowel marks written above or
 * below Arabic letters (they add no width).
 */
export function printedLength(text: string): number {
  return [...text.replace(/[\u2066-\u2069\u200e\u200f]|\p{Mn}/gu, '')].length;
}

/** The limit for one leaflet message, by id. */
export function leafletLimit(id: string): number {
  if (id === 'leaflet.telegram' || id === 'leaflet.whatsapp') return LEAFLET_LIMITS.caption;
  if (id === 'leaflet.whatsapp.text') return LEAFLET_LIMITS.prefill;
  if ((LEAFLET_SHARED_MESSAGES as readonly string[]).includes(id)) return LEAFLET_LIMITS.shared;
  return id.endsWith('.title') ? LEAFLET_LIMITS.title : LEAFLET_LIMITS.line;
}

/** Every leaflet message the content must have, in the order a translator reads them. */
export function leafletMessageIds(topics: Pick<TopicsFile, 'leaflets'>): string[] {
  return [...LEAFLET_SHARED_MESSAGES, ...topics.leaflets.flatMap((alias) => LEAFLET_PARTS.map((part) => leafletMessageId(alias, part)))];
}

/**
 * The payload that opens an entry point in a language: `zone-attente--ar`, `asile--pt-br`. The same
 * string is Telegram's `?start=` and the code in WhatsApp's prefilled message, so one parser
 * (`parseStartPayload`) reads both. Telegram allows `A-Za-z0-9_-`, 64 at most: an alias (≤ 40) and
 * a locale fit.
 */
export function entryPayload(alias: string, locale: LocaleCode): string {
  return `${alias}--${locale.toLowerCase()}`;
}

/**
 * The entry codes in a message a person sent, most explicit first: `zone-attente--ar` anywhere (the
 * code of a leaflet's prefilled WhatsApp message), then `#zone-attente` (an alias alone, marked).
 * Robust to what happens to the prefilled message before it is sent: the greeting edited or
 * deleted, capitals, the code in brackets or not, invisible direction marks around it, full-width
 * letters, and the double hyphen turned into a dash by a phone's "smart punctuation" (`zone-attente—ar`).
 * Returns payloads for `parseStartPayload`, which decides whether they name a known entry point.
 */
export function entryCodesIn(text: string): string[] {
  const folded = text
    .normalize('NFKC')
    .toLowerCase()
    // Direction marks and isolates, zero-width characters: a right-to-left message may carry them.
    .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    // Every dash a keyboard or an autocorrection makes is a hyphen; a long dash was two hyphens.
    .replace(/[\u2012\u2013\u2014\u2015\u2E3A]/g, '--')
    .replace(/[\u2010\u2011\u2212]/g, '-');
  const codes: string[] = [];
  for (const m of folded.matchAll(/(?<![a-z0-9-])([a-z0-9]+(?:-[a-z0-9]+)*)\s?(?:--|__)\s?([a-z]{2,3}(?:[-_][a-z]{2})?)(?![a-z0-9])/g)) {
    codes.push(`${m[1]}--${m[2]!.replace('_', '-')}`);
  }
  for (const m of folded.matchAll(/#([a-z0-9]+(?:-[a-z0-9]+)*)(?![a-z0-9-])/g)) codes.push(m[1]!);
  return codes;
}
