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

const isArabicCode = (c: number) =>
  (c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0x08a0 && c <= 0x08ff) || (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff);
const isEthiopicCode = (c: number) => (c >= 0x1200 && c <= 0x139f) || (c >= 0x2d80 && c <= 0x2ddf) || (c >= 0xab00 && c <= 0xab2f);
const isLatinCode = (c: number) =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff);
const LETTER = /\p{L}/u;

/** The dominant script of a text, by letter count (code-point ranges: this runs on every first message). */
export function dominantScript(text: string): Script {
  let latin = 0;
  let arabic = 0;
  let ethiopic = 0;
  let other = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (isLatinCode(c)) latin++;
    else if (isArabicCode(c)) {
      // Arabic digits and punctuation are not letters.
      if (!(c >= 0x0660 && c <= 0x066d) && !(c >= 0x06f0 && c <= 0x06f9) && c !== 0x060c && c !== 0x061f && c !== 0x061b) arabic++;
    } else if (isEthiopicCode(c)) {
      if (!(c >= 0x1361 && c <= 0x137c)) ethiopic++;
    } else if (c > 0x7f && LETTER.test(ch)) other++;
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
  if (!isArabicCode(word.charCodeAt(0))) return out;
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

// Reused rows: the fuzzy pass compares one typed word with many keywords on every message.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/** Damerau-Levenshtein distance (optimal string alignment), giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (lb + 1 > rowA.length) {
    rowA = new Int32Array(lb + 1);
    rowB = new Int32Array(lb + 1);
    rowC = new Int32Array(lb + 1);
  }
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}
