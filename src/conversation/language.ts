import type { Content } from '../content/index.js';
import { dominantScript, normalise } from '../content/normalise.js';
import { type LanguageHints } from '../core/messages.js';
import { LOCALES, type LocaleCode } from '../core/locales.js';

/**
 * First-contact language guess. `sure` opens in that language (the picker still lets the person
 * change); `ask` shows the picker with the candidates first, written in each of them.
 */
export type LanguageGuess =
  | { status: 'sure'; locale: LocaleCode; from: 'telegram' | 'script' | 'phone' | 'words' }
  | { status: 'ask'; candidates: LocaleCode[]; from: 'script' | 'phone' | 'words' | 'none' };

/** Telegram `language_code` (IETF) → locale. `prs` is Dari, written like Farsi. */
export function localeFromLanguageCode(code: string | undefined): LocaleCode | undefined {
  if (!code) return undefined;
  const tag = code.toLowerCase().replace('_', '-');
  const primary = tag.split('-')[0]!;
  if (primary === 'pt') return 'pt-BR';
  if (primary === 'prs') return 'fa';
  if (primary === 'pbu' || primary === 'pbt') return 'ps';
  return (LOCALES as readonly string[]).includes(primary) ? (primary as LocaleCode) : undefined;
}

/**
 * Country calling codes → the locale most people from there read. Afghanistan is both Dari and
 * Pashto: ask. Countries whose languages Relais does not ship are left out (the picker shows).
 */
const PHONE_PREFIXES: Record<string, LocaleCode | LocaleCode[]> = {
  // French-speaking
  '33': 'fr', '32': 'fr', '352': 'fr', '377': 'fr', '262': 'fr', '590': 'fr', '594': 'fr', '596': 'fr',
  '221': 'fr', '223': 'fr', '224': 'fr', '225': 'fr', '226': 'fr', '227': 'fr', '228': 'fr', '229': 'fr',
  '235': 'fr', '236': 'fr', '237': 'fr', '241': 'fr', '242': 'fr', '243': 'fr', '253': 'fr', '257': 'fr',
  '261': 'fr', '269': 'fr', '509': 'fr',
  // English-speaking
  '1': 'en', '44': 'en', '353': 'en', '61': 'en', '64': 'en', '231': 'en', '232': 'en', '233': 'en',
  '234': 'en', '220': 'en', '254': 'en', '256': 'en', '260': 'en', '263': 'en', '27': 'en', '211': 'en',
  // Spanish-speaking
  '34': 'es', '52': 'es', '53': 'es', '54': 'es', '56': 'es', '57': 'es', '58': 'es', '51': 'es',
  '591': 'es', '593': 'es', '595': 'es', '598': 'es', '502': 'es', '503': 'es', '504': 'es', '505': 'es',
  '506': 'es', '507': 'es', '240': 'es',
  // Portuguese-speaking
  '55': 'pt-BR', '351': 'pt-BR', '244': 'pt-BR', '258': 'pt-BR', '238': 'pt-BR', '245': 'pt-BR', '239': 'pt-BR',
  // Arabic-speaking
  '20': 'ar', '212': 'ar', '213': 'ar', '216': 'ar', '218': 'ar', '222': 'ar', '249': 'ar', '961': 'ar',
  '962': 'ar', '963': 'ar', '964': 'ar', '965': 'ar', '966': 'ar', '967': 'ar', '968': 'ar', '970': 'ar',
  '971': 'ar', '973': 'ar', '974': 'ar',
  // Persian, Dari/Pashto, Tigrinya
  '98': 'fa',
  '93': ['fa', 'ps'],
  '291': 'ti',
};

/** The locale(s) for an E.164 number (digits, optional `+`), by longest matching country code. */
export function localesFromPhone(phone: string | undefined): LocaleCode[] {
  if (!phone) return [];
  const digits = phone.replace(/\D/g, '').replace(/^00/, '');
  for (let len = 3; len >= 1; len--) {
    const hit = PHONE_PREFIXES[digits.slice(0, len)];
    if (hit) return Array.isArray(hit) ? hit : [hit];
  }
  return [];
}

const ARABIC_SCRIPT: LocaleCode[] = ['ar', 'fa', 'ps'];
// Letters only Pashto uses, and letters Persian and Pashto use but Arabic does not.
const PASHTO_ONLY = /[ټډړږښګڼۍې]/;
const PERSIAN_OR_PASHTO = /[پچژگ]/;

/** Guesses from the channel's hints and, when there is one, the first message's text. */
export function guessLanguage(hints: LanguageHints | undefined, text: string | undefined, content: Content): LanguageGuess {
  const fromCode = localeFromLanguageCode(hints?.languageCode);
  const fromPhone = localesFromPhone(hints?.phoneNumber);
  const script = text ? dominantScript(text.slice(0, 200)) : 'none';

  if (script === 'ethiopic') return { status: 'sure', locale: 'ti', from: 'script' };
  if (script === 'arabic') {
    // Arabic script is shared by ar, fa and ps: only a hint naming one of them settles it.
    if (fromCode && ARABIC_SCRIPT.includes(fromCode)) return { status: 'sure', locale: fromCode, from: 'telegram' };
    const phoneRtl = fromPhone.filter((l) => ARABIC_SCRIPT.includes(l));
    if (phoneRtl.length === 1) return { status: 'sure', locale: phoneRtl[0]!, from: 'phone' };
    const order: LocaleCode[] = PASHTO_ONLY.test(text!)
      ? ['ps', 'fa', 'ar']
      : PERSIAN_OR_PASHTO.test(text!)
        ? ['fa', 'ps', 'ar']
        : phoneRtl.length > 0
          ? [...phoneRtl, ...ARABIC_SCRIPT.filter((l) => !phoneRtl.includes(l))]
          : ['ar', 'fa', 'ps'];
    return { status: 'ask', candidates: order, from: 'script' };
  }
  if (fromCode) return { status: 'sure', locale: fromCode, from: 'telegram' };
  if (fromPhone.length === 1) return { status: 'sure', locale: fromPhone[0]!, from: 'phone' };
  if (fromPhone.length > 1) return { status: 'ask', candidates: fromPhone, from: 'phone' };
  if (text && script === 'latin') {
    const byWords = guessFromWords(text, content);
    if (byWords) return byWords;
  }
  return { status: 'ask', candidates: ['fr', 'en'], from: 'none' };
}

/**
 * Locales written in another script whose people often type in Latin letters when their phone has no
 * keyboard for it (Arabizi "khouya m7bous", Finglish "vakil", Latin-script Pashto "zama wror",
 * Tigrinya "hawey"): their keyword lists carry those spellings.
 */
const OTHER_SCRIPT: readonly LocaleCode[] = ['ar', 'fa', 'ps', 'ti'];

/**
 * The second language offered beside one of those: French across the Maghreb, Dari and Pashto to each
 * other (Afghans often read both), English for Eritreans.
 */
const SECOND: Partial<Record<LocaleCode, LocaleCode>> = { ar: 'fr', fa: 'ps', ps: 'fa', ti: 'en' };

/**
 * The language a Latin-script first message is written in, from the words it uses.
 * - A Latin-script language that clearly leads is chosen (`sure`), as before.
 * - A language of another script whose transliterations clearly lead is *asked*, first in the
 *   picker, never chosen: someone typing Arabizi or Finglish on a phone without the keyboard may read
 *   the script well, or may prefer French or English (many Maghrebi writers read French first), and
 *   a wrong script is the one mistake a newcomer cannot read their way out of. The question costs one
 *   tap, is written in that language too, and the first words' topic still opens after it.
 */
function guessFromWords(text: string, content: Content): LanguageGuess | undefined {
  const norm = normalise(text);
  const named = content.matchers.languageNames.get(norm);
  if (named) return { status: 'sure', locale: named, from: 'words' };
  const scores = [...content.matchers.lexicon.match(norm)].sort((a, b) => b[1] - a[1]);
  const latin = scores.filter(([l]) => !OTHER_SCRIPT.includes(l));
  const other = scores.filter(([l]) => OTHER_SCRIPT.includes(l));
  const bestLatin = latin[0]?.[1] ?? 0;
  const bestOther = other[0]?.[1] ?? 0;
  if (bestLatin > bestOther) {
    const [first, second] = latin;
    if (second && second[1] === first![1]) return undefined;
    return { status: 'sure', locale: first![0], from: 'words' };
  }
  if (bestOther === 0 || bestOther === bestLatin) return undefined;
  // The leaders (a greeting such as "salam" is Arabic, Dari and Pashto alike), or the leader, its
  // second language, and English or French.
  const leaders = other.filter(([, v]) => v === bestOther).map(([l]) => l);
  if (leaders.length > 1) return { status: 'ask', candidates: leaders.slice(0, 3), from: 'words' };
  const leader = leaders[0]!;
  const second = SECOND[leader] ?? 'fr';
  return { status: 'ask', candidates: [leader, second, second === 'en' ? 'fr' : 'en'], from: 'words' };
}
