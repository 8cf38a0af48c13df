import { describe, expect, it } from 'vitest';
import { LOCALES } from '../core/locales.js';
import { checkContent } from './check.js';
import { loadContent, SHIPPED_FILES, type ContentProblem } from './index.js';
import { entryCodesIn, entryPayload, LEAFLET_LIMITS, leafletMessageIds, printedLength } from './leaflet-texts.js';
import type { LocaleFile, TopicsFile } from './schema.js';

type Files = { topics: TopicsFile; locales: Record<string, LocaleFile> };

function broken(spoil: (files: Files) => void): ContentProblem[] {
  const files = structuredClone(SHIPPED_FILES) as unknown as Files;
  spoil(files);
  return checkContent(files);
}

describe('the leaflets’ words', () => {
  const content = loadContent();
  const topics = SHIPPED_FILES.topics as TopicsFile;

  it('name entry points that open a topic, the examples of the issue among them', () => {
    expect(topics.leaflets).toEqual(expect.arrayContaining(['zone-attente', 'frontiere-italie', 'frontiere-espagne', 'asile', 'mineurs', 'violences']));
    for (const alias of topics.leaflets) expect(content.aliases.get(alias), alias).toBeDefined();
  });

  it('are in every locale, within the A6 limits, and the prefilled WhatsApp message carries its code', () => {
    for (const locale of LOCALES) {
      for (const id of leafletMessageIds(topics)) expect(content.translation(locale, id, { code: 'x--fr' }), `${locale} ${id}`).not.toBe('');
      for (const alias of topics.leaflets) {
        const text = content.translation(locale, 'leaflet.whatsapp.text', { code: entryPayload(alias, locale) });
        expect(entryCodesIn(text)[0], `${locale} ${alias}`).toBe(entryPayload(alias, locale));
        expect(printedLength(text)).toBeLessThanOrEqual(LEAFLET_LIMITS.prefill);
      }
    }
  });

  it('content:check requires them, measures them and reads the prefilled code back', () => {
    const missing = broken((f) => delete f.locales.ti!.messages['leaflet.asile.2']);
    expect(missing).toContainEqual(expect.objectContaining({ code: 'missing-message', locale: 'ti', message: 'leaflet.asile.2' }));

    const long = broken((f) => (f.locales.ar!.messages['leaflet.mineurs.1'] = 'قل ذلك فورًا. '.repeat(12)));
    expect(long).toContainEqual(expect.objectContaining({ code: 'too-long', locale: 'ar', message: 'leaflet.mineurs.1' }));

    const title = broken((f) => (f.locales.fr!.messages['leaflet.asile.title'] = 'Demander l’asile en zone d’attente, à l’aéroport, au port ou à la gare'));
    expect(title).toContainEqual(expect.objectContaining({ code: 'too-long', locale: 'fr', message: 'leaflet.asile.title' }));

    // A translator who glued the code to a word: the bot could not read it back.
    const glued = broken((f) => (f.locales.es!.messages['leaflet.whatsapp.text'] = 'Hola Relais{code}'));
    expect(glued).toContainEqual(expect.objectContaining({ code: 'leaflet-code', locale: 'es' }));
    // One who dropped it: the placeholders differ from French.
    const dropped = broken((f) => (f.locales.fa!.messages['leaflet.whatsapp.text'] = 'سلام Relais'));
    expect(dropped).toContainEqual(expect.objectContaining({ code: 'placeholders', locale: 'fa', message: 'leaflet.whatsapp.text' }));

    const unknown = broken((f) => f.topics.leaflets.push('nulle-part'));
    expect(unknown).toContainEqual(expect.objectContaining({ code: 'unknown-topic', detail: expect.stringContaining('nulle-part') }));
  });
});

describe('entry codes in a message', () => {
  it('finds the code of a prefilled message, however the person or the phone changed it', () => {
    expect(entryCodesIn('Bonjour Relais (zone-attente--fr)')).toEqual(['zone-attente--fr']);
    expect(entryCodesIn('ZONE-ATTENTE--FR')).toEqual(['zone-attente--fr']);
    expect(entryCodesIn('salut, mon frère est bloqué à Roissy zone-attente--fr')).toEqual(['zone-attente--fr']);
    // Smart punctuation turns two hyphens into a dash.
    expect(entryCodesIn('Hello Relais (asile—en)')).toEqual(['asile--en']);
    expect(entryCodesIn('Olá Relais (frontiere-espagne--pt-br)')).toEqual(['frontiere-espagne--pt-br']);
    expect(entryCodesIn('Olá (frontiere-espagne__pt_BR)')).toEqual(['frontiere-espagne--pt-br']);
    // Right-to-left text with isolation marks around the code, full-width letters.
    expect(entryCodesIn('مرحبًا Relais (\u2068asile--ar\u2069)')).toEqual(['asile--ar']);
    expect(entryCodesIn('ｍｉｎｅｕｒｓ--ｔｉ')).toEqual(['mineurs--ti']);
    // An alias alone, marked.
    expect(entryCodesIn('#menton')).toEqual(['menton']);
  });

  it('finds nothing in ordinary sentences', () => {
    expect(entryCodesIn('Bonjour, je suis à la zone d’attente de Roissy')).toEqual([]);
    expect(entryCodesIn('vol AF-1234 demain')).toEqual([]);
    expect(entryCodesIn('ça va -- merci')).toEqual([]);
  });
});
