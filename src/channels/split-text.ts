/**
 * Splits text into parts a platform accepts, each at most `limit` long as the platform counts
 * (`length`: Telegram counts UTF-16 code units, WhatsApp characters). It cuts at the last paragraph
 * break that fits, else the last line break, else the last space, and only as a last resort inside a
 * word — never inside a character (a surrogate pair). A break too close to the start of a part is
 * skipped so a long paragraph is not sent as a sliver. Parts are trimmed; nothing else is lost.
 */
export function splitText(text: string, limit: number, length: (text: string) => number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest !== '' && length(rest) > limit) {
    const fit = fittingPrefix(rest, limit, length);
    const cut = breakPoint(rest.slice(0, fit + 1), fit, Math.floor(fit / 4));
    const head = rest.slice(0, cut).trimEnd();
    if (head !== '') parts.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

/** The longest prefix (in code units, on a character boundary) whose length is within `limit`. */
function fittingPrefix(text: string, limit: number, length: (text: string) => number): number {
  let end = 0;
  let used = 0;
  for (const ch of text) {
    const size = length(ch);
    if (used + size > limit) break;
    used += size;
    end += ch.length;
  }
  // A limit smaller than one character still moves forward by one character.
  return Math.max(end, text.codePointAt(0)! > 0xffff ? 2 : 1);
}

/** Where to cut `window` (the fitting prefix plus the next code unit): the best break after `floor`. */
function breakPoint(window: string, fit: number, floor: number): number {
  for (const separator of [/\n[ \t]*\n/g, /\n/g, /\s/g]) {
    let best = -1;
    for (const match of window.matchAll(separator)) {
      if (match.index > floor && match.index <= fit) best = match.index;
    }
    if (best > 0) return best;
  }
  return fit;
}
