import { describe, expect, it } from 'vitest';
import { FSI, isolateLtrRuns, PDI } from './format.js';
import { loadContent } from './index.js';
import { arabicVariants, dominantScript, editDistance, normalise } from './normalise.js';
import { createPhraseIndex } from './phrase-index.js';

describe('normalise', () => {
  it.each([
    ['Demande d’ASILE !', 'demande d asile'],
    ['réfugié', 'refugie'],
    ['  Menú   principal ', 'menu principal'],
    ['Œuvre', 'oeuvre'],
    ['لُجُوء', 'لجوء'],
    ['أنا في المطار', 'انا في المطار'],
    ['پناهندگی', 'پناهندگي'],
    ['منطقه‌ی انتظار', 'منطقه ي انتظار'],
    ['١٢', '12'],
    ['۳', '3'],
    ['ዑቕባ', 'ዑቅባ'],
    ['/menu', 'menu'],
  ])('%s → %s', (input, output) => expect(normalise(input)).toBe(output));

  // Both sides of every lookup go through `normalise`, so these pairs match whichever one is typed.
  it.each([
    ['the half-space is a space', 'نگه داشته شده‌ام', 'نگه داشته شده ام'],
    ['command with a half-space', 'زبان‌ها', 'زبان ها'],
    ['Urdu keyboard', 'ڈاکٹر', 'ډاکټر'],
    ['Persian keyboard for Pashto', 'داکتر', 'ډاکټر'],
    ['Pashto ړ ښ ځ څ ږ ڼ', 'ړښځڅږڼ', 'رشزسژن'],
    ['Urdu yeh barree and heh doachashmee', 'ےھ', 'يه'],
    ['Pashto ګ', 'ډګر', 'دگر'],
    ['Ethiopian አ for Eritrean ኣ', 'አበይ አሎ', 'ኣበይ ኣሎ'],
    ['ፀ for ጸ', 'ፅባሕ', 'ጽባሕ'],
    ['ቅ for ቕ', 'ዑቅባ', 'ዑቕባ'],
    ['ተአሲረ', 'ተአሲረ', 'ተኣሲረ'],
    ['ሠ for ሰ', 'ሠላም', 'ሰላም'],
    ['ኀ for ሐ', 'ኀው', 'ሐው'],
    ['ዐ for ዓ', 'ዐርኪ', 'ዓርኪ'],
    ['ኸ for ከ', 'ኸ', 'ከ'],
  ])('%s: «%s» = «%s»', (_, a, b) => expect(normalise(a)).toBe(normalise(b)));

  it('keeps apart what Tigrinya keeps apart', () => {
    // Only the first order of አ and ዐ folds (the Eritrean spelling of "a"); ኡ, ኢ, እ… stay.
    expect(normalise('ኡ ኢ እ')).toBe('ኡ ኢ እ');
    expect(normalise('ሓወይ')).not.toBe(normalise('ሀወይ'));
  });
});

describe('scripts and stems', () => {
  it('tells scripts apart', () => {
    expect(dominantScript('hello')).toBe('latin');
    expect(dominantScript('سلام علیکم hi')).toBe('arabic');
    expect(dominantScript('ሰላም')).toBe('ethiopic');
    expect(dominantScript('123 !')).toBe('none');
  });

  it('strips Arabic attached prefixes', () => {
    expect(arabicVariants('واللجوء')).toContain('لجوء');
    expect(arabicVariants('asile')).toEqual(['asile']);
  });

  it('measures misspellings, giving up early', () => {
    expect(editDistance('asylum', 'asylm', 2)).toBe(1);
    expect(editDistance('asile', 'asiel', 1)).toBe(1);
    expect(editDistance('asile', 'police', 1)).toBe(2);
  });
});

describe('phrase index', () => {
  const index = createPhraseIndex<string>([
    ['asile', 'asylum'],
    ['zone d attente', 'zone'],
    ['asyl*', 'asylum'],
    ['passport', 'docs'],
  ]);

  it('scores exact words, phrases, stems and misspellings', () => {
    expect(index.match(normalise('asile'))).toEqual(new Map([['asylum', 3]]));
    expect(index.match(normalise('la zone d’attente'))).toEqual(new Map([['zone', 9]]));
    expect(index.match(normalise('asylbewerber'))).toEqual(new Map([['asylum', 2]]));
    expect(index.match(normalise('pasport'))).toEqual(new Map([['docs', 1]]));
    expect(index.match(normalise('rien'))).toEqual(new Map());
  });
});

describe('bidi isolation in right-to-left text', () => {
  it('wraps Latin names, article numbers and numbers', () => {
    expect(isolateLtrRuns('المادة L333-2 من CESEDA')).toBe(`المادة ${FSI}L333-2${PDI} من ${FSI}CESEDA${PDI}`);
    expect(isolateLtrRuns(`قبل ${FSI}OFPRA${PDI}`)).toBe(`قبل ${FSI}OFPRA${PDI}`);
  });

  it('is applied to the shipped Arabic, Farsi and Pashto messages, not to the others', () => {
    const content = loadContent();
    expect(content.text('ar', 'h-asylum.2')).toContain(`${FSI}OFPRA${PDI}`);
    expect(content.text('fa', 'r-hearing.2')).toContain(`${FSI}ZAPI 3${PDI}`);
    expect(content.text('ps', 'h-jour-franc.3')).toContain(`${FSI}Le Perthus${PDI}`);
    expect(content.text('ar', 'volunteer.requested')).toContain(`${FSI}112${PDI}`);
    expect(content.text('fr', 'h-asylum.2')).not.toContain(FSI);
    expect(content.locales.ar.direction).toBe('rtl');
    expect(content.locales.ti.direction).toBe('ltr');
  });

  it('isolates configuration values whole, but not select keys', () => {
    const content = loadContent();
    expect(content.text('fa', 'contact.phone', { phone: '+33 1 00 00 00 00' })).toBe(`تلفن: ${FSI}+33 1 00 00 00 00${PDI}`);
    expect(content.text('ar', 'unsupported', { what: 'audio' })).toContain('الرسائل الصوتية');
  });
});
