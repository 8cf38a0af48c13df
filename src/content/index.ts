import { COMMANDS, type CommandName } from '../core/messages.js';
import { LOCALES, SOURCE_LOCALE, type LocaleCode } from '../core/locales.js';
import topicsJson from '../../locales/topics.json' with { type: 'json' };
import frJson from '../../locales/fr.json' with { type: 'json' };
import enJson from '../../locales/en.json' with { type: 'json' };
import arJson from '../../locales/ar.json' with { type: 'json' };
import esJson from '../../locales/es.json' with { type: 'json' };
import ptBRJson from '../../locales/pt-BR.json' with { type: 'json' };
import faJson from '../../locales/fa.json' with { type: 'json' };
import psJson from '../../locales/ps.json' with { type: 'json' };
import tiJson from '../../locales/ti.json' with { type: 'json' };
import { createFormatter, type Formatter, type MessageValues } from './format.js';
import { normalise } from './normalise.js';
import { createPhraseIndex, type PhraseIndex } from './phrase-index.js';
import { flagsStaleTranslation, STALE_NOTE } from './screens.js';
import { translationState, type TranslationState } from './versions.js';
import {
  localeFileSchema,
  topicsFileSchema,
  type Audience,
  type ContentFiles,
  type LocaleFile,
  type Topic,
  type TopicsFile,
} from './schema.js';

export type { Topic, Audience, ContentFiles } from './schema.js';

/** What the language picker and the renderers need to know about a locale. */
export interface LocaleInfo {
  code: LocaleCode;
  nativeName: string;
  englishName: string;
  direction: 'ltr' | 'rtl';
  status: 'source' | 'reviewed' | 'draft';
}

/**
 * The loaded, validated content with its indexes, built once and shared by every conversation.
 * Everything here is read-only.
 */
export interface Content {
  readonly rootId: string;
  readonly topics: ReadonlyMap<string, Topic>;
  /** The parent each topic is first reached from (breadth-first from the root). */
  readonly parents: ReadonlyMap<string, string>;
  /** The first-level menu a topic belongs to (`relative`, `held`, `land-border`…), for context. */
  readonly branches: ReadonlyMap<string, string>;
  /** Deep-link payload → topic id. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly locales: Readonly<Record<LocaleCode, LocaleInfo>>;
  /**
   * Formats a message in a locale (ICU, cached, bidi-isolated for RTL) as the bot sends it: a stale
   * translation comes with a note and the French text (see `flagsStaleTranslation`).
   */
  text(locale: LocaleCode, id: string, values?: MessageValues): string;
  /** The translation alone, without the stale note. */
  translation(locale: LocaleCode, id: string, values?: MessageValues): string;
  /** Where a translated message stands against the French: missing, stale, draft or reviewed (`source` for French). */
  state(locale: LocaleCode, id: string): TranslationState | 'source';
  readonly matchers: Matchers;
}

export interface Matchers {
  /** Typed words (any locale) → topic scores; each keyword is tagged with its locale. */
  topics: PhraseIndex<string, LocaleCode>;
  /** Normalised whole message → command, per locale and across all locales. */
  commands: ReadonlyMap<string, { command: CommandName; locale: LocaleCode }[]>;
  /** Normalised whole message → yes/no, per locale. */
  answers: ReadonlyMap<string, { answer: 'yes' | 'no'; locale: LocaleCode }[]>;
  /** Normalised whole message → an answer to "is it you, or someone close?", per locale. */
  whoAnswers: ReadonlyMap<string, { answer: WhoAnswer; locale: LocaleCode }[]>;
  /** Normalised language name ("english", "العربيه", "portugues") → locale. */
  languageNames: ReadonlyMap<string, LocaleCode>;
  /** Urgency words: a message scoring on both `when` and `event` is urgent. */
  urgency: PhraseIndex<'when' | 'event'>;
  /** Words that hint at a locale (greetings, command words, keywords), for the first-message guess. */
  lexicon: PhraseIndex<LocaleCode>;
  greetings: ReadonlySet<string>;
}

/** Who a person held is, for the one who writes: themselves, or someone close to them. */
export type WhoAnswer = 'me' | 'relative';

/** A problem with the content files, precise enough for a legal team to fix it. */
export interface ContentProblem {
  code:
    | 'schema'
    | 'missing-locale'
    | 'missing-message'
    | 'unknown-message'
    | 'icu-syntax'
    | 'placeholders'
    | 'too-long'
    | 'too-many-choices'
    | 'choice-id'
    | 'unknown-topic'
    | 'duplicate'
    | 'unreachable'
    | 'dead-end'
    | 'no-sources'
    | 'no-review-date'
    | 'missing-keywords'
    | 'rtl-starts-latin'
    | 'leaflet-code';
  locale?: LocaleCode | string;
  topic?: string;
  message?: string;
  detail: string;
}

export function formatProblem(p: ContentProblem): string {
  const where = [p.locale && `locale ${p.locale}`, p.topic && `topic ${p.topic}`, p.message && `message "${p.message}"`]
    .filter(Boolean)
    .join(', ');
  return `[${p.code}] ${where ? where + ': ' : ''}${p.detail}`;
}

/** Thrown by `buildContent` when the files do not even parse. */
export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super('Relais content is invalid:\n' + problems.map((p) => '  - ' + formatProblem(p)).join('\n'));
    this.name = 'ContentError';
  }
}

export interface ParsedContent {
  topics: TopicsFile;
  locales: Map<LocaleCode, LocaleFile>;
}

/** Validates the files with zod; returns every schema problem with its path. */
export function parseContentFiles(
  files: ContentFiles,
): { ok: true; parsed: ParsedContent } | { ok: false; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const topics = topicsFileSchema.safeParse(files.topics);
  if (!topics.success) {
    for (const issue of topics.error.issues) {
      problems.push({ code: 'schema', detail: `topics.json ${issue.path.join('.')}: ${issue.message}` });
    }
  }
  const locales = new Map<LocaleCode, LocaleFile>();
  for (const code of LOCALES) {
    const raw = files.locales[code];
    if (raw === undefined) {
      problems.push({ code: 'missing-locale', locale: code, detail: `locales/${code}.json is missing` });
      continue;
    }
    const parsed = localeFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ code: 'schema', locale: code, detail: `${code}.json ${issue.path.join('.')}: ${issue.message}` });
      }
    } else if (parsed.data.locale !== code) {
      problems.push({ code: 'schema', locale: code, detail: `${code}.json says "locale": "${parsed.data.locale}"` });
    } else {
      locales.set(code, parsed.data);
    }
  }
  if (problems.length > 0 || !topics.success) return { ok: false, problems };
  return { ok: true, parsed: { topics: topics.data, locales } };
}

/** Builds the content and its indexes. Throws `ContentError` if the files do not parse. */
export function buildContent(files: ContentFiles): Content {
  const result = parseContentFiles(files);
  if (!result.ok) throw new ContentError(result.problems);
  return buildFromParsed(result.parsed);
}

/** Builds from parsed files; tolerant of graph defects (the checker reports those). */
export function buildFromParsed({ topics: graph, locales }: ParsedContent): Content {
  const topics = new Map(graph.topics.map((t) => [t.id, t]));
  const parents = new Map<string, string>();
  const branches = new Map<string, string>();
  const queue = [graph.root];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const child of topics.get(id)?.children ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      parents.set(child, id);
      branches.set(child, id === graph.root ? child : (branches.get(id) ?? child));
      queue.push(child);
    }
  }

  const aliases = new Map<string, string>();
  for (const t of graph.topics) for (const a of t.aliases) aliases.set(a, t.id);

  const info = {} as Record<LocaleCode, LocaleInfo>;
  for (const [code, file] of locales) {
    info[code] = {
      code,
      nativeName: file.nativeName,
      englishName: file.englishName,
      direction: file.direction,
      status: file.status,
    };
  }
  const source = locales.get(SOURCE_LOCALE);
  const state = (locale: LocaleCode, id: string): TranslationState | 'source' => {
    const file = locales.get(locale);
    if (locale === SOURCE_LOCALE || !source || !file) return 'source';
    return translationState(source, file, id);
  };
  // Worked out once per load: the formatter asks on every message.
  const stale = new Set<string>();
  for (const [locale, file] of locales) {
    for (const id of Object.keys(file.messages)) if (state(locale, id) === 'stale') stale.add(`${locale}\u0000${id}`);
  }
  const formatter: Formatter = createFormatter(locales, {
    isStale: (locale, id) => stale.has(`${locale}\u0000${id}`),
    flags: flagsStaleTranslation,
    source: SOURCE_LOCALE,
    note: STALE_NOTE,
  });
  return {
    rootId: graph.root,
    topics,
    parents,
    branches,
    aliases,
    locales: info,
    text: formatter.text,
    translation: formatter.translation,
    state,
    matchers: buildMatchers(locales),
  };
}

function buildMatchers(locales: ReadonlyMap<LocaleCode, LocaleFile>): Matchers {
  const topicEntries: [string, string, LocaleCode][] = [];
  const urgencyEntries: [string, 'when' | 'event'][] = [];
  const lexiconEntries: [string, LocaleCode][] = [];
  const commands = new Map<string, { command: CommandName; locale: LocaleCode }[]>();
  const answers = new Map<string, { answer: 'yes' | 'no'; locale: LocaleCode }[]>();
  const whoAnswers = new Map<string, { answer: WhoAnswer; locale: LocaleCode }[]>();
  const languageNames = new Map<string, LocaleCode>();
  const greetings = new Set<string>();

  for (const [locale, file] of locales) {
    for (const [topicId, words] of Object.entries(file.keywords)) {
      for (const w of words) {
        topicEntries.push([w, topicId, locale]);
        lexiconEntries.push([w, locale]);
      }
    }
    for (const command of COMMANDS) {
      for (const w of file.commands[command]) {
        const key = normalise(w);
        commands.set(key, [...(commands.get(key) ?? []), { command, locale }]);
        lexiconEntries.push([w, locale]);
      }
      // "/menu", "/language" typed by hand work everywhere.
      commands.set(command, [...(commands.get(command) ?? []), { command, locale }]);
    }
    for (const answer of ['yes', 'no'] as const) {
      for (const w of file.words[answer]) {
        const key = normalise(w);
        answers.set(key, [...(answers.get(key) ?? []), { answer, locale }]);
      }
    }
    for (const answer of ['me', 'relative'] as const) {
      for (const w of file.words[answer]) {
        const key = normalise(w);
        whoAnswers.set(key, [...(whoAnswers.get(key) ?? []), { answer, locale }]);
      }
    }
    for (const w of file.words.hello) {
      greetings.add(normalise(w));
      lexiconEntries.push([w, locale]);
    }
    for (const w of file.urgency.when) urgencyEntries.push([w, 'when']);
    for (const w of file.urgency.event) urgencyEntries.push([w, 'event']);
    languageNames.set(normalise(file.nativeName), locale);
    languageNames.set(normalise(file.englishName), locale);
  }
  return {
    topics: createPhraseIndex(topicEntries),
    commands,
    answers,
    whoAnswers,
    languageNames,
    urgency: createPhraseIndex(urgencyEntries),
    lexicon: createPhraseIndex(lexiconEntries),
    greetings,
  };
}

/** The files shipped in `locales/`, imported statically so Workers bundles carry them (no fs at runtime). */
export const SHIPPED_FILES: ContentFiles = {
  topics: topicsJson,
  locales: { fr: frJson, en: enJson, ar: arJson, es: esJson, 'pt-BR': ptBRJson, fa: faJson, ps: psJson, ti: tiJson },
};

let shipped: Content | undefined;

/** The shipped content, validated and indexed once per process or isolate. */
export function loadContent(): Content {
  shipped ??= buildContent(SHIPPED_FILES);
  return shipped;
}
