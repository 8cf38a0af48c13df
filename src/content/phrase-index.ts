import { arabicVariants, editDistance, normalise, tokens } from './normalise.js';

/**
 * A keyword index built once per content load: exact words, multi-word phrases, stems ("asyl*")
 * and, for longer words, misspellings within one or two edits. Lookups cost a few map reads per
 * word typed, plus a bounded fuzzy pass over words of similar length.
 */
export interface PhraseIndex<T, Tag = undefined> {
  /**
   * Score per target for the given normalised text; higher is a better match. `weigh` scales each
   * keyword's weight by its tag (the reader's own language counts more than the others).
   */
  match(normalisedText: string, options?: { weigh?: (tag: Tag) => number }): Map<T, number>;
}

export const WEIGHT = { phrasePerWord: 3, exact: 3, stem: 2, fuzzy: 1 } as const;

interface Hit<T, Tag> {
  target: T;
  tag: Tag;
}

interface Phrase<T, Tag> extends Hit<T, Tag> {
  rest: string[];
}

/**
 * Builds an index from (keyword, target, tag?) entries. Keywords ending in `*` are stems. The tag (a
 * locale) lets `match` weigh keywords by where they come from.
 */
export function createPhraseIndex<T, Tag = undefined>(
  entries: Iterable<readonly [keyword: string, target: T, tag?: Tag]>,
): PhraseIndex<T, Tag> {
  const exact = new Map<string, Hit<T, Tag>[]>();
  const phrases = new Map<string, Phrase<T, Tag>[]>();
  const stems = new Map<string, ({ stem: string } & Hit<T, Tag>)[]>();
  const byLength = new Map<number, string[]>();

  for (const [raw, target, tag] of entries as Iterable<readonly [string, T, Tag]>) {
    const isStem = raw.trim().endsWith('*');
    const words = tokens(normalise(raw));
    if (words.length === 0) continue;
    if (isStem && words.length === 1 && words[0]!.length >= 3) {
      const stem = words[0]!;
      const key = stem.slice(0, 2);
      stems.set(key, [...(stems.get(key) ?? []), { stem, target, tag }]);
    } else if (words.length === 1) {
      const word = words[0]!;
      const hits = exact.get(word) ?? [];
      if (!hits.some((h) => h.target === target && h.tag === tag)) hits.push({ target, tag });
      exact.set(word, hits);
      if (word.length >= 5) {
        const list = byLength.get(word.length) ?? [];
        if (!list.includes(word)) list.push(word);
        byLength.set(word.length, list);
      }
    } else {
      phrases.set(words[0]!, [...(phrases.get(words[0]!) ?? []), { rest: words.slice(1), target, tag }]);
    }
  }

  return {
    match(normalisedText, options) {
      const weigh = options?.weigh ?? (() => 1);
      const scores = new Map<T, number>();
      const bump = (target: T, by: number) => scores.set(target, (scores.get(target) ?? 0) + by);
      const words = tokens(normalisedText);

      for (let i = 0; i < words.length; i++) {
        const typed = words[i]!;
        // Each target counts once per typed word, with the best way it matched.
        const best = new Map<T, number>();
        const offer = ({ target, tag }: Hit<T, Tag>, weight: number) => {
          const w = weight * weigh(tag);
          if ((best.get(target) ?? 0) < w) best.set(target, w);
        };
        for (const word of arabicVariants(typed)) {
          for (const hit of exact.get(word) ?? []) offer(hit, WEIGHT.exact);
          for (const stem of stems.get(word.slice(0, 2)) ?? []) {
            if (word.startsWith(stem.stem)) offer(stem, WEIGHT.stem);
          }
          for (const phrase of phrases.get(word) ?? []) {
            if (phrase.rest.every((w, k) => words[i + 1 + k] === w)) {
              offer(phrase, WEIGHT.phrasePerWord * (phrase.rest.length + 1));
            }
          }
        }
        if (best.size === 0 && typed.length >= 5) {
          // A misspelling: one edit for 5–7 letters, two from 8.
          const max = typed.length >= 8 ? 2 : 1;
          for (let len = typed.length - max; len <= typed.length + max; len++) {
            for (const word of byLength.get(len) ?? []) {
              // People rarely get the first letter wrong; checking it first skips most comparisons.
              if (word.charCodeAt(0) !== typed.charCodeAt(0) && word.charCodeAt(1) !== typed.charCodeAt(1)) continue;
              if (editDistance(typed, word, max) <= max) for (const hit of exact.get(word) ?? []) offer(hit, WEIGHT.fuzzy);
            }
          }
        }
        for (const [target, weight] of best) bump(target, weight);
      }
      return scores;
    },
  };
}
