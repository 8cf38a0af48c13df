import type { LocaleFile } from './schema.js';

/**
 * Which version of the French source a translation was made from. Each translated message records a
 * short hash of the French text it translates (`sources` in its locale file); when the French
 * changes, the hashes no longer match and the translation is stale until a translator updates it.
 * FNV-1a over the UTF-16 code units: no imports, the same on Node and Workers, and a collision
 * would only hide a stale message until the next change.
 */
export function sourceHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Where one translated message stands:
 * - `missing`: not translated;
 * - `stale`: translated from an older French text (or from an unrecorded one);
 * - `draft`: up to date, not yet checked by a native speaker;
 * - `reviewed`: up to date and checked (`reviews` in the locale file says by whom and when).
 */
export type TranslationState = 'missing' | 'stale' | 'draft' | 'reviewed';

export function translationState(
  source: Pick<LocaleFile, 'messages'>,
  file: Pick<LocaleFile, 'messages' | 'sources' | 'reviews'>,
  id: string,
): TranslationState {
  const french = source.messages[id];
  if (file.messages[id] === undefined) return 'missing';
  if (french === undefined || file.sources[id] !== sourceHash(french)) return 'stale';
  return file.reviews[id] ? 'reviewed' : 'draft';
}
