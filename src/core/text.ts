/**
 * What a platform may send that PostgreSQL refuses to store: the NUL character (in text and in JSON)
 * and lone UTF-16 surrogates (in JSON). Left in, they fail the insert, the webhook answers 5xx, and
 * the platform resends the same update forever — a poison message. So every string of a verified
 * payload is cleaned once, at the boundary: NUL and the other control characters that carry nothing
 * for a reader are dropped (tab and line breaks stay), and a lone surrogate becomes U+FFFD.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function storableText(text: string): string {
  return text.toWellFormed().replace(CONTROL, '');
}

/** `storableText` applied to every string of a JSON value (keys included), rebuilding only what changes. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[storableText(key)] = storableJson(inner);
    return out;
  }
  return value;
}
