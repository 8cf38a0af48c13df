import { describe, expect, it } from 'vitest';
import { loadContent } from '../content/index.js';
import { guessLanguage, localeFromLanguageCode, localesFromPhone } from './language.js';

const content = loadContent();

describe('localeFromLanguageCode (Telegram language_code)', () => {
  it.each([
    ['fr', 'fr'],
    ['fr-FR', 'fr'],
    ['en', 'en'],
    ['en-GB', 'en'],
    ['ar', 'ar'],
    ['es', 'es'],
    ['pt-br', 'pt-BR'],
    ['pt', 'pt-BR'],
    ['fa', 'fa'],
    ['prs', 'fa'],
    ['ps', 'ps'],
    ['ti', 'ti'],
  ])('%s → %s', (code, locale) => expect(localeFromLanguageCode(code)).toBe(locale));

  it('leaves languages Relais does not ship to the picker', () => {
    expect(localeFromLanguageCode('it')).toBeUndefined();
    expect(localeFromLanguageCode('tr')).toBeUndefined();
    expect(localeFromLanguageCode(undefined)).toBeUndefined();
  });
});

describe('localesFromPhone (WhatsApp wa_id country code)', () => {
  it.each([
    ['33612345678', ['fr']],
    ['+33 6 12 34 56 78', ['fr']],
    ['34612345678', ['es']],
    ['5511987654321', ['pt-BR']],
    ['989121234567', ['fa']],
    ['93701234567', ['fa', 'ps']],
    ['2917123456', ['ti']],
    ['21698123456', ['ar']],
    ['213551234567', ['ar']],
    ['212612345678', ['ar']],
    ['447911123456', ['en']],
    ['22507070707', ['fr']],
    ['3912345678', []],
    ['', []],
  ])('%s → %j', (phone, locales) => expect(localesFromPhone(phone)).toEqual(locales));
});

describe('guessLanguage', () => {
  it('trusts Telegram’s language code', () => {
    expect(guessLanguage({ languageCode: 'es' }, undefined, content)).toEqual({ status: 'sure', locale: 'es', from: 'telegram' });
  });

  it('uses the phone prefix, and asks between Dari/Farsi and Pashto for Afghanistan', () => {
    expect(guessLanguage({ phoneNumber: '34600000000' }, undefined, content)).toMatchObject({ status: 'sure', locale: 'es' });
    expect(guessLanguage({ phoneNumber: '93700000000' }, undefined, content)).toEqual({ status: 'ask', candidates: ['fa', 'ps'], from: 'phone' });
  });

  it('reads Ge’ez script as Tigrinya, whatever the hints', () => {
    expect(guessLanguage({ languageCode: 'en' }, 'ሰላም', content)).toMatchObject({ status: 'sure', locale: 'ti', from: 'script' });
  });

  it('asks between ar, fa and ps for Arabic script, unless a hint names one of them', () => {
    expect(guessLanguage(undefined, 'السلام عليكم', content)).toEqual({ status: 'ask', candidates: ['ar', 'fa', 'ps'], from: 'script' });
    expect(guessLanguage({ languageCode: 'fa' }, 'سلام', content)).toMatchObject({ status: 'sure', locale: 'fa' });
    expect(guessLanguage({ phoneNumber: '216000000' }, 'سلام', content)).toMatchObject({ status: 'sure', locale: 'ar', from: 'phone' });
    // A French phone writing Arabic script: the script wins, and we ask.
    expect(guessLanguage({ phoneNumber: '33600000000' }, 'سلام', content)).toMatchObject({ status: 'ask' });
  });

  it('puts the likeliest Arabic-script language first from its letters', () => {
    expect(guessLanguage(undefined, 'زه پناه غواړم', content)).toMatchObject({ candidates: ['ps', 'fa', 'ar'] });
    expect(guessLanguage(undefined, 'من پناهندگی می‌خواهم', content)).toMatchObject({ candidates: ['fa', 'ps', 'ar'] });
    expect(guessLanguage({ phoneNumber: '93700000000' }, 'سلام', content)).toMatchObject({ candidates: ['fa', 'ps', 'ar'] });
  });

  it('guesses Latin-script languages from their words', () => {
    expect(guessLanguage(undefined, 'Bonjour', content)).toMatchObject({ status: 'sure', locale: 'fr', from: 'words' });
    expect(guessLanguage(undefined, 'hola, necesito ayuda', content)).toMatchObject({ status: 'sure', locale: 'es' });
    expect(guessLanguage(undefined, 'olá, bom dia', content)).toMatchObject({ status: 'sure', locale: 'pt-BR' });
    expect(guessLanguage(undefined, 'hello my brother is held', content)).toMatchObject({ status: 'sure', locale: 'en' });
  });

  it('asks first in the language whose Latin-script spellings a first message uses (Arabizi, Finglish, Latin Pashto and Tigrinya)', () => {
    expect(guessLanguage(undefined, 'khouya m7bous f matar', content)).toEqual({ status: 'ask', candidates: ['ar', 'fr', 'en'], from: 'words' });
    expect(guessLanguage(undefined, '3ayez mohami', content)).toMatchObject({ status: 'ask', candidates: ['ar', 'fr', 'en'] });
    expect(guessLanguage(undefined, 'zama wror pa airport ke band de', content)).toEqual({ status: 'ask', candidates: ['ps', 'fa', 'en'], from: 'words' });
    expect(guessLanguage(undefined, 'vakil mikham', content)).toMatchObject({ status: 'ask', candidates: ['fa', 'ps', 'en'] });
    expect(guessLanguage(undefined, 'hawey airport tetahizu', content)).toEqual({ status: 'ask', candidates: ['ti', 'en', 'fr'], from: 'words' });
    // A greeting several of them share: those, in order.
    expect(guessLanguage(undefined, 'salam', content)).toEqual({ status: 'ask', candidates: ['ar', 'fa', 'ps'], from: 'words' });
    // A Latin-script language that leads is still chosen outright; a hint still wins over words.
    expect(guessLanguage(undefined, 'bonjour mon frère est retenu', content)).toMatchObject({ status: 'sure', locale: 'fr' });
    expect(guessLanguage({ languageCode: 'fr' }, 'khouya m7bous', content)).toMatchObject({ status: 'sure', locale: 'fr' });
  });

  it('asks in French and English when nothing helps', () => {
    expect(guessLanguage(undefined, 'xyz', content)).toEqual({ status: 'ask', candidates: ['fr', 'en'], from: 'none' });
    expect(guessLanguage(undefined, undefined, content)).toEqual({ status: 'ask', candidates: ['fr', 'en'], from: 'none' });
  });
});
