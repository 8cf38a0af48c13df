import { describe, expect, it } from 'vitest';
import { checkContent } from './check.js';
import { FSI } from './format.js';
import { buildContent, formatProblem, loadContent, SHIPPED_FILES } from './index.js';
import { localeFileSchema, type LocaleFile, type TopicsFile } from './schema.js';
import { flagsStaleTranslation } from './screens.js';
import { sourceHash, translationState } from './versions.js';

type Files = { topics: TopicsFile; locales: Record<string, LocaleFile> };
const copy = () => structuredClone(SHIPPED_FILES) as unknown as Files;

/** The shipped files after the lawyers rewrote one French message (and its label), translations untouched. */
function frenchChanged(): Files {
  const files = copy();
  files.locales.fr!.messages['r-zone.2'] = 'Une zone d’attente est un lieu fermé : la personne ne peut pas en sortir librement.';
  files.locales.fr!.messages['r-zone.label'] = 'Zone d’attente ?';
  return files;
}

describe('which French text a translation translates', () => {
  it('every shipped translation translates the current French', () => {
    const content = loadContent();
    for (const [code, file] of Object.entries(SHIPPED_FILES.locales) as [string, LocaleFile][]) {
      if (code === 'fr') continue;
      for (const id of Object.keys(file.messages)) expect(content.state(code as 'en', id), `${code} ${id}`).not.toBe('stale');
    }
  });

  it('a change to the French makes every translation of it stale, and nothing else', () => {
    const files = frenchChanged();
    const fr = localeFileSchema.parse(files.locales.fr);
    for (const code of ['en', 'ar', 'es', 'pt-BR', 'fa', 'ps', 'ti']) {
      const file = localeFileSchema.parse(files.locales[code]);
      expect(translationState(fr, file, 'r-zone.2'), code).toBe('stale');
      expect(translationState(fr, file, 'r-zone.1'), code).toBe('draft');
    }
    const content = buildContent(files);
    expect(content.state('es', 'r-zone.2')).toBe('stale');
    expect(content.state('fr', 'r-zone.2')).toBe('source');
  });

  it('stamping the current French hash (what content:stamp and content:import do) makes it current again', () => {
    const files = frenchChanged();
    const fr = localeFileSchema.parse(files.locales.fr);
    const es = localeFileSchema.parse(files.locales.es);
    es.sources['r-zone.2'] = sourceHash(fr.messages['r-zone.2']!);
    expect(translationState(fr, es, 'r-zone.2')).toBe('draft');
    es.reviews['r-zone.2'] = { by: 'Lucía', on: '2026-12-01' };
    expect(translationState(fr, es, 'r-zone.2')).toBe('reviewed');
    delete es.messages['r-zone.2'];
    expect(translationState(fr, es, 'r-zone.2')).toBe('missing');
  });
});

describe('a stale translation at run time', () => {
  const files = frenchChanged();
  const content = buildContent(files);

  it('is sent with a line in the reader’s language saying it may be out of date, then the French text', () => {
    const es = files.locales.es!.messages;
    expect(content.text('es', 'r-zone.2')).toBe(`${es['r-zone.2']}\n\n${es['translation.outdated']}\n\n${files.locales.fr!.messages['r-zone.2']}`);
    expect(content.translation('es', 'r-zone.2')).toBe(es['r-zone.2']);
  });

  it('in right-to-left text, isolates Latin runs of the translation but leaves the French paragraph as it is', () => {
    const [own, note, french] = content.text('ar', 'r-zone.2').split('\n\n');
    expect(own).toBe(content.translation('ar', 'r-zone.2'));
    expect(note).toBe(content.text('ar', 'translation.outdated'));
    expect(french).toBe(files.locales.fr!.messages['r-zone.2']);
    expect(french).not.toContain(FSI);
  });

  it('a fresh translation is sent alone, and so are labels, whatever their state', () => {
    expect(content.text('es', 'r-zone.1')).toBe(files.locales.es!.messages['r-zone.1']);
    expect(content.state('es', 'r-zone.label')).toBe('stale');
    expect(content.text('es', 'r-zone.label')).toBe(files.locales.es!.messages['r-zone.label']);
    expect(content.text('fr', 'r-zone.2')).toBe(files.locales.fr!.messages['r-zone.2']);
    expect(flagsStaleTranslation('nav.menu')).toBe(false);
    expect(flagsStaleTranslation('who.ask')).toBe(true);
  });

  it('is not a content:check problem: stale is a normal step of the workflow', () => {
    expect(checkContent(files).map(formatProblem)).toEqual([]);
  });

  it('content:check measures the stale form as sent: the part with the buttons must still fit', () => {
    const long = copy();
    // A French paragraph break, then a last paragraph that alone is over WhatsApp's 1024 with buttons.
    long.locales.fr!.messages['r-reach.3'] = `Début.\n\n${'x'.repeat(1030)}`;
    const problems = checkContent(long);
    expect(problems.map(formatProblem)).toContainEqual(expect.stringMatching(/^\[too-long\] locale fr, topic r-reach, message "r-reach.3": body sent with choices/));
    expect(problems.map(formatProblem)).toContainEqual(
      expect.stringMatching(/^\[too-long\] locale es, topic r-reach, message "r-reach.3": last paragraph of the stale form, sent with choices/),
    );
    // The translations themselves still fit alone.
    expect(problems.filter((p) => p.locale === 'es' && !p.detail.includes('stale form'))).toEqual([]);
  });
});
