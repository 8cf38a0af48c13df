import { IntlMessageFormat } from 'intl-messageformat';
import type { LocaleCode } from '../core/locales.js';

/** Values a message may take: strings only (names, phone numbers, a select key). */
export type MessageValues = Record<string, string>;

/** First Strong Isolate … Pop Directional Isolate: keeps a Latin or numeric run whole inside RTL text. */
export const FSI = '\u2068';
export const PDI = '\u2069';

/**
 * A Latin/number run: "L333-2", "CESEDA", "ZAPI 3", "+33 1 23 45 67 89", "OFPRA".
 * Starts with a Latin letter, an ASCII digit or "+"; may contain spaces between such words.
 * Brackets stay outside the run: they are neutral and mirror correctly around an isolate.
 */
const WORD = "[A-Za-z0-9\\u00C0-\\u024F](?:[A-Za-z0-9\\u00C0-\\u024F\\-./:@_'’°]*[A-Za-z0-9\\u00C0-\\u024F])?";
const LTR_RUN = new RegExp(`\\+?${WORD}(?:[ \\u00A0]+${WORD})*`, 'g');

/**
 * Wraps Latin and number runs of right-to-left text in FSI…PDI, leaving runs that are already
 * isolated alone, so "المادة L333-2" shows the article number whole and in the right place.
 */
export function isolateLtrRuns(text: string): string {
  return text
    .split(/(\u2068[^\u2069]*\u2069)/)
    .map((part) => (part.startsWith(FSI) ? part : part.replace(LTR_RUN, (run) => FSI + run + PDI)))
    .join('');
}

export interface Formatter {
  /**
   * The message as the bot sends it: formatted, bidi-isolated for RTL locales, and, when the
   * translation is stale, followed by a short note and the French text. Throws `MissingMessageError`.
   */
  text(locale: LocaleCode, id: string, values?: MessageValues): string;
  /** The translation alone, without the stale note (what it will be once updated). */
  translation(locale: LocaleCode, id: string, values?: MessageValues): string;
  has(locale: LocaleCode, id: string): boolean;
}

/**
 * What the formatter needs to flag stale translations: which (locale, id) are stale, the source
 * locale, and the note's message id. Labels and other short lines are never flagged (`flags`).
 */
export interface StaleOptions {
  isStale(locale: LocaleCode, id: string): boolean;
  flags(id: string): boolean;
  source: LocaleCode;
  note: string;
}

export class MissingMessageError extends Error {
  constructor(
    readonly locale: LocaleCode,
    readonly messageId: string,
  ) {
    super(`message "${messageId}" is missing in locale ${locale}`);
    this.name = 'MissingMessageError';
  }
}

/**
 * Formats ICU messages with cached compiled formatters: each message is parsed once per process,
 * and messages without values are formatted once, because the engine runs on every webhook.
 */
export function createFormatter(
  locales: ReadonlyMap<LocaleCode, { messages: Record<string, string>; direction: 'ltr' | 'rtl' }>,
  stale?: StaleOptions,
): Formatter {
  const compiled = new Map<string, { mf: IntlMessageFormat; plain: Set<string> }>();
  const rendered = new Map<string, string>();

  function compile(locale: LocaleCode, id: string): { mf: IntlMessageFormat; plain: Set<string> } {
    const key = `${locale}\u0000${id}`;
    let entry = compiled.get(key);
    if (!entry) {
      const source = locales.get(locale)?.messages[id];
      if (source === undefined) throw new MissingMessageError(locale, id);
      const mf = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true });
      entry = { mf, plain: plainArguments(mf.getAst()) };
      compiled.set(key, entry);
    }
    return entry;
  }

  function translation(locale: LocaleCode, id: string, values?: MessageValues): string {
    const rtl = locales.get(locale)?.direction === 'rtl';
    if (!values) {
      const key = `${locale}\u0000${id}`;
      const cached = rendered.get(key);
      if (cached !== undefined) return cached;
      const out = String(compile(locale, id).mf.format());
      const final = rtl ? isolateLtrRuns(out) : out;
      rendered.set(key, final);
      return final;
    }
    const { mf, plain } = compile(locale, id);
    // Values from configuration (a phone number, an address) are isolated as a whole in RTL text;
    // select keys are left alone so they still match their branch.
    const vals: MessageValues = rtl
      ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, plain.has(k) ? FSI + v + PDI : v]))
      : values;
    const out = String(mf.format(vals));
    return rtl ? isolateLtrRuns(out) : out;
  }

  return {
    has(locale, id) {
      return locales.get(locale)?.messages[id] !== undefined;
    },
    translation,
    text(locale, id, values) {
      const own = translation(locale, id, values);
      if (!stale || !stale.flags(id) || !stale.isStale(locale, id)) return own;
      // The translation was made from an older French text: the reader gets it, a line in their
      // language saying so, and the French as it stands now, each its own paragraph (the renderers
      // split long messages at paragraphs, so the French can ride alone with the buttons).
      const note = locales.get(locale)?.messages[stale.note] !== undefined ? stale.note : undefined;
      const noteText = translation(note ? locale : stale.source, stale.note);
      return `${own}\n\n${noteText}\n\n${translation(stale.source, id, values)}`;
    },
  };
}

type Ast = ReturnType<IntlMessageFormat['getAst']>;

/** Names of the `{simple}` arguments of a message, at any depth (inside select/plural branches too). */
function plainArguments(ast: Ast, into = new Set<string>()): Set<string> {
  for (const el of ast) {
    if (el.type === 1) into.add(el.value);
    if ('options' in el) for (const opt of Object.values(el.options)) plainArguments(opt.value, into);
  }
  return into;
}
