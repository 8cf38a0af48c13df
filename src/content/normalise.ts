/**
 * Text normalisation for matching what people type against keywords and command words.
 * People write on cheap phones, without accents, in several scripts, with Arabic-Indic digits:
 * everything is folded to one comparable form before any lookup.
 */

// Arabic harakat, Quranic marks, superscript alef and tatweel carry no meaning for matching.
const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
// Zero-width joiners/non-joiners (Persian half-spaces), bidi controls and other format characters.
const FORMAT_CHARS = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

const CHAR_MAP: Record<string, string> = {
  // Arabic letter variants that people (and keyboards) use interchangeably.
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا',
  'ى': 'ي', 'ی': 'ي', 'ې': 'ي', 'ۍ': 'ي', 'ئ': 'ي',
  'ة': 'ه', 'ۀ': 'ه', 'ہ': 'ه', 'ە': 'ه',
  'ك': 'ک', 'ګ': 'گ', 'ؤ': 'و',
  // Arabic-Indic and Extended Arabic-Indic digits → ASCII, so "١" and "۱" pick choice 1.
  '٠': '0', '١': '1', '٢': '2', '٣': '3', '٤': '4', '٥': '5', '٦': '6', '٧': '7', '٨': '8', '٩': '9',
  '۰': '0', '۱': '1', '۲': '2', '۳': '3', '۴': '4', '۵': '5', '۶': '6', '۷': '7', '۸': '8', '۹': '9',
  // Latin letters NFKD does not decompose.
  'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ø': 'o', 'ł': 'l', 'đ': 'd',
  // Typographic apostrophes and dashes.
  '’': "'", 'ʼ': "'", '‘': "'", '–': '-', '—': '-',
};
const CHAR_RE = new RegExp(`[${Object.keys(CHAR_MAP).join('')}]`, 'g');

/**
 * Folds text for comparison: lowercase, no Latin diacritics, no Arabic vowel marks, unified Arabic
 * letter variants, ASCII digits, punctuation turned into spaces, single spaces.
 */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(FORMAT_CHARS, '')
    .replace(ARABIC_MARKS, '')
    .replace(CHAR_RE, (c) => CHAR_MAP[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

/** Splits normalised text into words. */
export function tokens(normalised: string): string[] {
  return normalised === '' ? [] : normalised.split(' ');
}

export type Script = 'latin' | 'arabic' | 'ethiopic' | 'other' | 'none';

/** The dominant script of a text, by letter count. */
export function dominantScript(text: string): Script {
  let latin = 0;
  let arabic = 0;
  let ethiopic = 0;
  let other = 0;
  for (const ch of text) {
    if (/\p{Script=Latin}/u.test(ch)) latin++;
    else if (/\p{Script=Arabic}/u.test(ch)) arabic++;
    else if (/\p{Script=Ethiopic}/u.test(ch)) ethiopic++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  const max = Math.max(latin, arabic, ethiopic, other);
  if (max === 0) return 'none';
  if (max === ethiopic) return 'ethiopic';
  if (max === arabic) return 'arabic';
  if (max === latin) return 'latin';
  return 'other';
}

/**
 * Arabic words take attached prefixes ("و", "ب", "ال"…): "واللجوء" should still find "لجوء".
 * Returns the word and its plausible stems, longest first.
 */
export function arabicVariants(word: string): string[] {
  const out = [word];
  if (!/\p{Script=Arabic}/u.test(word)) return out;
  let w = word;
  for (const prefix of ['و', 'ف', 'ب', 'ل', 'ک']) {
    if (w.startsWith(prefix) && w.length > 3) {
      w = w.slice(1);
      out.push(w);
      break;
    }
  }
  for (const base of [...out]) {
    for (const article of ['ال', 'لل']) {
      if (base.startsWith(article) && base.length > article.length + 2) out.push(base.slice(article.length));
    }
  }
  return out;
}

/** Damerau-Levenshtein distance (optimal string alignment), giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const la = a.length;
  const lb = b.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: lb + 1 }, (_, j) => j);
  for (let i = 1; i <= la; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= lb; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[lb]!;
}
