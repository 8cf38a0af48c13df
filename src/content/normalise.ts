/**
 * Text normalisation for matching what people type against keywords and command words.
 * People write on cheap phones, without accents, in several scripts, with Arabic-Indic digits:
 * everything is folded to one comparable form before any lookup.
 */

/**
 * One code-point table for every fold, read once per character: this runs on every message and on
 * every keyword, and both sides must fold the same way, so a keyword written with one keyboard matches
 * a word typed on another. `''` drops the character.
 */
const FOLD = new Map<number, string>();
const fold = (from: string, to: string) => {
  for (const ch of from) FOLD.set(ch.codePointAt(0)!, to);
};
const foldRange = (from: number, to: number, count: number) => {
  for (let i = 0; i < count; i++) FOLD.set(from + i, String.fromCodePoint(to + i));
};

// Arabic harakat, Quranic marks, superscript alef and tatweel carry no meaning for matching.
for (const [a, b] of [[0x0610, 0x061a], [0x064b, 0x065f], [0x0670, 0x0670], [0x06d6, 0x06ed], [0x0640, 0x0640]] as const) {
  for (let c = a; c <= b; c++) FOLD.set(c, '');
}
// Bidi controls, zero-width spaces and joiners, the byte-order mark: invisible, meaningless here.
for (const [a, b] of [[0x200b, 0x200f], [0x202a, 0x202e], [0x2066, 0x2069], [0xfeff, 0xfeff]] as const) {
  for (let c = a; c <= b; c++) FOLD.set(c, '');
}
// The Persian half-space (zero-width non-joiner) separates the parts of a word: «شده‌ام» is «شده ام»
// for a reader, and keywords are written with a space, so it becomes one.
FOLD.set(0x200c, ' ');

// Arabic letter variants that people (and keyboards) use interchangeably.
fold('أإآٱ', 'ا');
fold('ىیېۍئےۓ', 'ي');
fold('ةۀہەھۂ', 'ه');
fold('ك', 'ک');
fold('ؤ', 'و');
// Pashto letters typed on a Persian keyboard (ټ→ت…) or an Urdu one (ٹ→ت…): both sides fold to the
// Persian letter, so «ډاکټر», «ڈاکٹر» and «داکتر» are one word.
fold('ټٹ', 'ت');
fold('ډڈ', 'د');
fold('ړڑ', 'ر');
fold('ښ', 'ش');
fold('ځ', 'ز');
fold('څ', 'س');
fold('ږ', 'ژ');
fold('ګ', 'گ');
fold('ڼ', 'ن');
// Arabic-Indic and Extended Arabic-Indic digits → ASCII, so "١" and "۱" pick choice 1.
foldRange(0x0660, 0x30, 10);
foldRange(0x06f0, 0x30, 10);

// Ethiopic: the letters Tigrinya spelling treats as variants (Ethiopian and Amharic habits, keyboards
// without Tigrinya letters) fold to the Eritrean spelling the content uses, whole series at a time
// (eight orders per consonant): ፀ→ጸ, ሠ→ሰ, ኀ→ሐ, ቐ→ቀ (ቕ→ቅ), ኸ→ከ and their labialised forms.
foldRange(0x1340, 0x1338, 8); // ፀ ፁ ፂ ፃ ፄ ፅ ፆ ፇ → ጸ ጹ ጺ ጻ ጼ ጽ ጾ ጿ
foldRange(0x1220, 0x1230, 8); // ሠ → ሰ
foldRange(0x1280, 0x1210, 8); // ኀ → ሐ
foldRange(0x1250, 0x1240, 7); // ቐ → ቀ
FOLD.set(0x1258, '\u1248'); // ቘ → ቈ
foldRange(0x125a, 0x124a, 4);
foldRange(0x12b8, 0x12a8, 7); // ኸ → ከ
FOLD.set(0x12c0, '\u12b0'); // ዀ → ኰ
foldRange(0x12c2, 0x12b2, 4);
// The vowel "a" opening a syllable: Ethiopian spelling writes አ and ዐ, Eritrean ኣ and ዓ («አበይ» is «ኣበይ»).
fold('አ', 'ኣ');
fold('ዐ', 'ዓ');

// Latin letters NFKD does not decompose; typographic apostrophes and dashes.
fold('ß', 'ss');
fold('æ', 'ae');
fold('œ', 'oe');
fold('ø', 'o');
fold('ł', 'l');
fold('đ', 'd');
fold('’ʼ‘', "'");
fold('–—', '-');

/** Latin letters with diacritics (and combining marks): only then is the text decomposed to strip them. */
const hasDiacritics = (c: number) => (c >= 0xc0 && c <= 0x36f) || (c >= 0x1e00 && c <= 0x1eff);

/**
 * Folds text for comparison: lowercase, no Latin diacritics, no Arabic vowel marks, unified Arabic,
 * Persian, Pashto and Urdu letter variants, Ethiopic spelling variants, ASCII digits, half-spaces and
 * punctuation turned into spaces, single spaces.
 */
export function normalise(text: string): string {
  const lower = text.normalize('NFKC').toLowerCase();
  // Unchanged runs are copied as slices: most characters of most messages fold to themselves.
  let out = '';
  let from = 0;
  let decompose = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < 0xc0) continue;
    const folded = FOLD.get(c);
    if (folded !== undefined) {
      out += lower.slice(from, i) + folded;
      from = i + 1;
    } else if (hasDiacritics(c)) decompose = true;
  }
  out += lower.slice(from);
  if (decompose) out = out.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
  return out.replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ').trim();
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
