import { IntlMessageFormat } from 'intl-messageformat';
import { codePointLength, MAX_CHOICE_ID_BYTES, PLATFORM_LIMITS, utf16Length } from '../core/limits.js';
import { LOCALES, SOURCE_LOCALE, type LocaleCode } from '../core/locales.js';
import { MissingMessageError } from './format.js';
import { buildFromParsed, parseContentFiles, type Content, type ContentFiles, type ContentProblem } from './index.js';
import type { LocaleFile, TopicsFile } from './schema.js';
import { translationState, type TranslationState } from './versions.js';
import { entryCodesIn, entryPayload, leafletLimit, leafletMessageIds, printedLength } from './leaflet-texts.js';
import {
  FIXED_SCREENS,
  INTAKE_SCREENS,
  topicChoices,
  UI_MESSAGES,
  UNSUPPORTED_KINDS,
  unsupportedScreen,
  choiceId,
  type ChoiceSpec,
  type ScreenSpec,
} from './screens.js';

/**
 * `content:check`: proves the content is complete, well-formed, and fits every channel.
 * Pure: takes the files' parsed JSON and returns every problem found, most precise first.
 */

const { telegram, whatsapp } = PLATFORM_LIMITS;

/**
 * What content must fit, from the platforms' limits (`core/limits.ts`): a screen may become WhatsApp
 * buttons or a list, and a Telegram message. Lengths in characters, except `text`, checked in UTF-16
 * units (Telegram's count, never below WhatsApp's).
 */
export const LIMITS = {
  buttonTitle: whatsapp.buttonTitle,
  rowTitle: whatsapp.rowTitle,
  rowDescription: whatsapp.rowDescription,
  sectionTitle: whatsapp.sectionTitle,
  listButton: whatsapp.listButton,
  bodyWithChoices: whatsapp.interactiveBody,
  text: Math.min(telegram.text, whatsapp.textBody),
  maxChoices: whatsapp.listRows,
  maxButtons: whatsapp.buttons,
  callbackDataBytes: telegram.callbackDataBytes,
} as const;

const SOURCE = SOURCE_LOCALE;
const length = codePointLength;
const bytes = (s: string) => new TextEncoder().encode(s).length;

/** Every message id the engine may ask for, given the topic graph. */
export function requiredMessageIds(topics: TopicsFile): Set<string> {
  const ids = new Set<string>(UI_MESSAGES);
  for (const t of topics.topics) {
    ids.add(`${t.id}.label`);
    for (const m of t.body) ids.add(m);
  }
  for (const id of leafletMessageIds(topics)) ids.add(id);
  return ids;
}

export function checkContent(files: ContentFiles): ContentProblem[] {
  const parsed = parseContentFiles(files);
  if (!parsed.ok) return parsed.problems;
  const { topics, locales } = parsed.parsed;
  const problems: ContentProblem[] = [];

  checkGraph(topics, problems);
  const required = requiredMessageIds(topics);
  const syntaxOk = checkMessages(locales, required, problems);
  checkKeywords(topics, locales, problems);
  // Rendering needs every message present and parseable; the problems above say what to fix first.
  if (syntaxOk) {
    const content = buildFromParsed(parsed.parsed);
    checkScreens(content, topics, problems);
    checkLeaflets(content, topics, problems);
  }
  return dedupe(problems);
}

function checkGraph(graph: TopicsFile, problems: ContentProblem[]): void {
  const ids = new Map<string, number>();
  for (const t of graph.topics) ids.set(t.id, (ids.get(t.id) ?? 0) + 1);
  for (const [id, n] of ids) {
    if (n > 1) problems.push({ code: 'duplicate', topic: id, detail: `topic id "${id}" is used ${n} times` });
  }
  if (!ids.has(graph.root)) problems.push({ code: 'unknown-topic', detail: `root topic "${graph.root}" does not exist` });

  const aliasOwner = new Map<string, string>();
  for (const t of graph.topics) {
    for (const child of t.children) {
      if (!ids.has(child)) problems.push({ code: 'unknown-topic', topic: t.id, detail: `child "${child}" does not exist` });
    }
    for (const alias of t.aliases) {
      const owner = aliasOwner.get(alias);
      if (owner && owner !== t.id) {
        problems.push({ code: 'duplicate', topic: t.id, detail: `deep-link alias "${alias}" is also used by topic ${owner}` });
      }
      aliasOwner.set(alias, t.id);
    }
    if (t.kind === 'info' && t.sources.length === 0) {
      problems.push({ code: 'no-sources', topic: t.id, detail: 'an info topic must cite its sources (CESEDA articles, decisions)' });
    }
    if (!t.reviewedOn) problems.push({ code: 'no-review-date', topic: t.id, detail: 'reviewedOn (YYYY-MM-DD) is missing' });
  }

  const seenLeaflets = new Set<string>();
  for (const alias of graph.leaflets) {
    if (!aliasOwner.has(alias)) {
      problems.push({ code: 'unknown-topic', detail: `leaflet "${alias}" is not a deep-link alias of any topic (topics.json: leaflets)` });
    }
    if (seenLeaflets.has(alias)) problems.push({ code: 'duplicate', detail: `leaflet "${alias}" is listed twice (topics.json: leaflets)` });
    seenLeaflets.add(alias);
  }

  const reached = new Set([graph.root]);
  const queue = [graph.root];
  const byId = new Map(graph.topics.map((t) => [t.id, t]));
  const parents = new Map<string, string>();
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const child of byId.get(id)?.children ?? []) {
      if (reached.has(child)) continue;
      reached.add(child);
      parents.set(child, id);
      queue.push(child);
    }
  }
  for (const t of graph.topics) {
    if (!reached.has(t.id)) {
      problems.push({ code: 'unreachable', topic: t.id, detail: `no path from "${graph.root}" reaches this topic` });
    }
    const choices = topicChoices(t, parents.get(t.id), graph.root);
    const ways = ['nav:back', 'nav:menu', 'nav:volunteer'];
    if (!choices.some((c) => ways.includes(c.id))) {
      problems.push({
        code: 'dead-end',
        topic: t.id,
        detail: 'the screen offers no way back, to the menu, or to a volunteer (add "back", "menu" or "volunteer" to nav)',
      });
    }
  }
}

type ArgSignature = Map<string, string>;

/** Returns false when a message is missing or unparseable (so screens cannot be rendered). */
function checkMessages(locales: Map<LocaleCode, LocaleFile>, required: Set<string>, problems: ContentProblem[]): boolean {
  let ok = true;
  const source = locales.get(SOURCE)!;
  const expected = new Set([...required, ...Object.keys(source.messages)]);
  const signatures = new Map<LocaleCode, Map<string, ArgSignature>>();

  for (const code of LOCALES) {
    const file = locales.get(code)!;
    const sigs = new Map<string, ArgSignature>();
    signatures.set(code, sigs);
    for (const id of expected) {
      if (file.messages[id] === undefined) {
        ok = false;
        problems.push({
          code: 'missing-message',
          locale: code,
          message: id,
          detail: required.has(id) ? 'required message is missing' : `present in ${SOURCE}.json but missing here`,
        });
      }
    }
    for (const [id, text] of Object.entries(file.messages)) {
      if (!expected.has(id)) {
        problems.push({ code: 'unknown-message', locale: code, message: id, detail: `not in ${SOURCE}.json and not used by any topic` });
      }
      try {
        const mf = new IntlMessageFormat(text, code, undefined, { ignoreTag: true });
        sigs.set(id, argumentSignature(mf.getAst()));
        if (file.direction === 'rtl') checkOpening(code, id, mf.getAst(), problems);
      } catch (error) {
        ok = false;
        problems.push({ code: 'icu-syntax', locale: code, message: id, detail: `ICU syntax error: ${(error as Error).message}` });
      }
    }
  }
  const sourceSigs = signatures.get(SOURCE)!;
  for (const code of LOCALES) {
    if (code === SOURCE) continue;
    for (const [id, sig] of signatures.get(code)!) {
      const want = sourceSigs.get(id);
      if (!want) continue;
      const show = (s: ArgSignature) => [...s].map(([n, t]) => `{${n}${t === 'argument' ? '' : ', ' + t}}`).sort().join(' ') || 'none';
      if (show(want) !== show(sig)) {
        problems.push({
          code: 'placeholders',
          locale: code,
          message: id,
          detail: `placeholders differ from ${SOURCE}: ${SOURCE} has ${show(want)}, ${code} has ${show(sig)}`,
        });
      }
    }
  }
  return ok;
}

/**
 * A right-to-left message must open with a word of its language. A paragraph takes its direction from
 * its first letter, and although Relais isolates Latin runs ("⁨Relais⁩ …"), some older WhatsApp builds
 * ignore the isolation and show the whole paragraph left to right, punctuation on the wrong side.
 * Digits count too (a "4" opening a sentence lands on the wrong side). Values filled in at run time
 * are skipped; each branch of a `select` is checked.
 */
function checkOpening(locale: LocaleCode, message: string, ast: ReturnType<IntlMessageFormat['getAst']>, problems: ContentProblem[]): void {
  for (const opening of openings(ast)) {
    problems.push({
      code: 'rtl-starts-latin',
      locale,
      message,
      detail: `starts with “${opening}”: a right-to-left message must open with a word in its own script (put the Latin word or number later in the sentence)`,
    });
  }
}

const LATIN_RUN = /^[A-Za-z0-9\u00C0-\u024F\u1E00-\u1EFF][A-Za-z0-9\u00C0-\u024F\u1E00-\u1EFF'’-]*/u;
const FIRST_LETTER = /[\p{L}\p{N}]/u;

/** The Latin words (or numbers) a message may open with, one per branch that does. */
function openings(ast: ReturnType<IntlMessageFormat['getAst']>): string[] {
  for (const el of ast) {
    if (el.type === 0) {
      const at = el.value.search(FIRST_LETTER);
      if (at < 0) continue;
      const latin = LATIN_RUN.exec(el.value.slice(at));
      return latin ? [latin[0]] : [];
    }
    if ('options' in el) return Object.values(el.options).flatMap((opt) => openings(opt.value));
  }
  return [];
}

const AST_TYPES: Record<number, string> = { 1: 'argument', 2: 'number', 3: 'date', 4: 'time', 5: 'select', 6: 'plural', 8: 'tag' };

function argumentSignature(ast: ReturnType<IntlMessageFormat['getAst']>, into: ArgSignature = new Map()): ArgSignature {
  for (const el of ast) {
    if ('value' in el && typeof el.value === 'string' && AST_TYPES[el.type]) into.set(el.value, AST_TYPES[el.type]!);
    if ('options' in el) for (const opt of Object.values(el.options)) argumentSignature(opt.value, into);
    if ('children' in el) argumentSignature(el.children, into);
  }
  return into;
}

function checkKeywords(graph: TopicsFile, locales: Map<LocaleCode, LocaleFile>, problems: ContentProblem[]): void {
  const ids = new Set(graph.topics.map((t) => t.id));
  for (const code of LOCALES) {
    const file = locales.get(code)!;
    for (const topicId of Object.keys(file.keywords)) {
      if (!ids.has(topicId)) problems.push({ code: 'unknown-topic', locale: code, detail: `keywords for unknown topic "${topicId}"` });
    }
    for (const t of graph.topics) {
      if (t.id === graph.root) continue;
      if ((file.keywords[t.id] ?? []).length === 0) {
        problems.push({ code: 'missing-keywords', locale: code, topic: t.id, detail: 'no keyword leads to this topic when typed' });
      }
    }
  }
}

function checkScreens(content: Content, graph: TopicsFile, problems: ContentProblem[]): void {
  const screens: { name: string; topic?: string; spec: ScreenSpec }[] = [];
  for (const t of graph.topics) {
    const body = t.body.map((message) => ({ message }));
    for (const offerLanguage of [false, true]) {
      screens.push({
        name: `topic ${t.id}${offerLanguage ? ' (with language choice)' : ''}`,
        topic: t.id,
        spec: { texts: body, choices: topicChoices(t, content.parents.get(t.id), content.rootId, { offerLanguage }) },
      });
    }
    // "Did you mean" lists topics with their branch as description: always four or more choices.
    const branch = content.branches.get(t.id);
    screens.push({
      name: `did-you-mean listing ${t.id}`,
      topic: t.id,
      spec: {
        texts: FIXED_SCREENS.didYouMean.texts,
        choices: [
          { id: choiceId.topic(t.id), label: { message: `${t.id}.label` }, ...(branch ? { description: { message: `${branch}.label` } } : {}) },
          { id: choiceId.topic(t.id), label: { message: `${t.id}.label` } },
          ...FIXED_SCREENS.noMatch.choices,
        ],
      },
    });
  }
  for (const [name, spec] of Object.entries(FIXED_SCREENS)) screens.push({ name, spec });
  for (const [name, spec] of Object.entries(INTAKE_SCREENS)) screens.push({ name: `intake ${name}`, spec });
  // What happens next, with values as long as configuration and formatting make them.
  for (const message of ['handoff.open', 'handoff.open.within', 'handoff.closed', 'handoff.urgent.contact', 'intake.intro', 'intake.done', 'intake.done.private', 'case.closed']) {
    screens.push({
      name: message,
      spec: { texts: [{ message, values: { wait: '2 heures', when: 'mercredi 30 septembre à 09:00', contact: '+33 1 23 45 67 89' } }], choices: [] },
    });
  }
  for (const what of UNSUPPORTED_KINDS) screens.push({ name: `unsupported ${what}`, spec: unsupportedScreen(what) });
  screens.push({
    name: 'language picker',
    spec: {
      texts: [{ message: 'language.ask' }],
      choices: LOCALES.map((l) => ({ id: choiceId.language(l), label: { literal: content.locales[l].nativeName } })),
    },
  });

  for (const locale of LOCALES) {
    // A defect reported above (unknown child, translated placeholder) must not stop the check.
    const render = (message: string, values: Record<string, string> | undefined, topic?: string): string | undefined => {
      try {
        return content.text(locale, message, values);
      } catch (error) {
        problems.push({
          code: error instanceof MissingMessageError ? 'missing-message' : 'placeholders',
          locale,
          message,
          ...(topic ? { topic } : {}),
          detail: error instanceof MissingMessageError ? 'required message is missing' : `cannot be formatted: ${(error as Error).message}`,
        });
        return undefined;
      }
    };
    const fit = (message: string, text: string, max: number, what: string, topic?: string, units?: 'UTF-16 units') => {
      const measured = units ? utf16Length(text) : length(text);
      if (measured > max) {
        problems.push({
          code: 'too-long',
          locale,
          message,
          ...(topic ? { topic } : {}),
          detail: `${what} is ${measured} ${units ?? 'characters'}, over the limit of ${max}: “${text}”`,
        });
      }
    };
    fit('list.button', render('list.button', undefined) ?? '', LIMITS.listButton, 'WhatsApp list button text');
    fit('list.section', render('list.section', undefined) ?? '', LIMITS.sectionTitle, 'WhatsApp list section title');

    for (const { name, topic, spec } of screens) {
      spec.texts.forEach((t, i) => {
        const sent = render(t.message, t.values, topic);
        if (sent === undefined) return;
        const carriesChoices = i === spec.texts.length - 1 && spec.choices.length > 0;
        // The translation alone must fit as any message does: it is what is sent once it is updated.
        const alone = content.translation(locale, t.message, t.values);
        fit(t.message, alone, LIMITS.text, `text in ${name}`, topic, 'UTF-16 units');
        if (carriesChoices) fit(t.message, alone, LIMITS.bodyWithChoices, `body sent with choices in ${name}`, topic);
        if (sent === alone) return;
        // A stale translation is sent with a note and the French text, in paragraphs. Both renderers
        // split long text at paragraphs (WhatsApp sends the leading ones first and keeps the last ones
        // with the buttons), so the stale form is held to what they need: every paragraph fits one
        // message, and the last one (the French text's end) fits the body sent with choices.
        const paragraphs = sent.split(/\n[ \t]*\n/);
        for (const p of paragraphs) fit(t.message, p, LIMITS.text, `paragraph of the stale form in ${name}`, topic, 'UTF-16 units');
        if (carriesChoices) {
          fit(t.message, paragraphs.at(-1)!, LIMITS.bodyWithChoices, `last paragraph of the stale form, sent with choices in ${name},`, topic);
        }
      });
      if (spec.choices.length > LIMITS.maxChoices) {
        problems.push({
          code: 'too-many-choices',
          locale,
          ...(topic ? { topic } : {}),
          detail: `${name} offers ${spec.choices.length} choices, over the limit of ${LIMITS.maxChoices}`,
        });
      }
      const asButtons = spec.choices.length <= LIMITS.maxButtons;
      for (const c of spec.choices) checkChoice(locale, c, asButtons, name, topic, render, fit, problems);
    }
  }
}

/**
 * The leaflets' words in every locale: each fits its place on an A6 card (`LEAFLET_LIMITS`), and the
 * prefilled WhatsApp message of every entry point, as the translation writes it, still carries a code
 * the bot reads back as that entry point and that language (a translator who drops or splits
 * `{code}` would otherwise print leaflets that open the wrong topic, or none).
 */
function checkLeaflets(content: Content, graph: TopicsFile, problems: ContentProblem[]): void {
  // The isolation marks Relais adds around Latin runs in right-to-left text are not printed.
  const visible = (text: string) => text.replace(/[\u2068\u2069]/g, '');
  for (const locale of LOCALES) {
    for (const id of leafletMessageIds(graph)) {
      if (id === 'leaflet.whatsapp.text') continue;
      let text: string;
      try {
        text = visible(content.translation(locale, id));
      } catch {
        continue; // reported as missing or unformattable above
      }
      const max = leafletLimit(id);
      if (printedLength(text) > max) {
        problems.push({ code: 'too-long', locale, message: id, detail: `leaflet text is ${printedLength(text)} characters, over the limit of ${max} for an A6 card: “${text}”` });
      }
    }
    for (const alias of graph.leaflets) {
      const code = entryPayload(alias, locale);
      let text: string;
      try {
        text = visible(content.translation(locale, 'leaflet.whatsapp.text', { code }));
      } catch {
        continue;
      }
      if (printedLength(text) > LEAFLET_PREFILL_MAX) {
        problems.push({
          code: 'too-long',
          locale,
          message: 'leaflet.whatsapp.text',
          detail: `the prefilled WhatsApp message for "${alias}" is ${printedLength(text)} characters, over ${LEAFLET_PREFILL_MAX}: “${text}”`,
        });
      }
      if (entryCodesIn(text)[0] !== code) {
        problems.push({
          code: 'leaflet-code',
          locale,
          message: 'leaflet.whatsapp.text',
          detail: `the prefilled WhatsApp message “${text}” does not carry the code ${code} as a word of its own: keep {code} whole, with a space or a bracket on each side`,
        });
      }
    }
  }
}

const LEAFLET_PREFILL_MAX = leafletLimit('leaflet.whatsapp.text');

function checkChoice(
  locale: LocaleCode,
  c: ChoiceSpec,
  asButtons: boolean,
  screen: string,
  topic: string | undefined,
  render: (message: string, values: undefined, topic?: string) => string | undefined,
  fit: (message: string, text: string, max: number, what: string, topic?: string) => void,
  problems: ContentProblem[],
): void {
  if (bytes(c.id) > MAX_CHOICE_ID_BYTES) {
    problems.push({
      code: 'choice-id',
      locale,
      ...(topic ? { topic } : {}),
      detail: `choice id "${c.id}" is ${bytes(c.id)} bytes, over ${MAX_CHOICE_ID_BYTES} (Telegram callback_data ≤ ${LIMITS.callbackDataBytes} with a prefix)`,
    });
  }
  const label = 'literal' in c.label ? c.label.literal : render(c.label.message, undefined, topic);
  if (label === undefined) return;
  const labelId = 'literal' in c.label ? 'nativeName' : c.label.message;
  if (asButtons) fit(labelId, label, LIMITS.buttonTitle, `WhatsApp button title in ${screen}`, topic);
  else fit(labelId, label, LIMITS.rowTitle, `WhatsApp list row title in ${screen}`, topic);
  const description = c.description ? render(c.description.message, undefined, topic) : undefined;
  if (c.description && description !== undefined) {
    fit(c.description.message, description, LIMITS.rowDescription, `WhatsApp row description in ${screen}`, topic);
  }
}

function dedupe(problems: ContentProblem[]): ContentProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    // The same label fails on every screen showing it: report it once, with the first screen.
    const key = `${p.code}|${p.locale}|${p.message}|${p.code === 'too-long' ? p.detail.replace(/ in .*? is /, ' is ') : p.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One row per locale for the completeness table. */
export interface CompletenessRow {
  locale: string;
  nativeName: string;
  direction: string;
  status: string;
  messages: string;
  keywords: string;
  problems: number;
}

export function completeness(files: ContentFiles, problems: ContentProblem[]): CompletenessRow[] {
  const parsed = parseContentFiles(files);
  const topics = (parsed.ok ? parsed.parsed.topics : undefined) as TopicsFile | undefined;
  const required = topics ? requiredMessageIds(topics) : new Set<string>(UI_MESSAGES);
  const topicIds = topics ? topics.topics.map((t) => t.id).filter((id) => id !== topics.root) : [];
  return LOCALES.map((code) => {
    const raw = files.locales[code] as Partial<LocaleFile> | undefined;
    const messages = raw?.messages ?? {};
    const keywords = raw?.keywords ?? {};
    const present = [...required].filter((id) => typeof messages[id] === 'string').length;
    const covered = topicIds.filter((id) => (keywords[id] ?? []).length > 0).length;
    return {
      locale: code,
      nativeName: raw?.nativeName ?? '?',
      direction: raw?.direction ?? '?',
      status: raw?.status ?? '?',
      messages: `${present}/${required.size}`,
      keywords: `${covered}/${topicIds.length}`,
      problems: problems.filter((p) => p.locale === code).length,
    };
  });
}

/** Where one locale's translation stands, message by message, and who reviewed it when. */
export interface LocaleReviewRow {
  locale: LocaleCode;
  status: LocaleFile['status'];
  total: number;
  counts: Record<TranslationState, number>;
  /** "Name: 12 messages, last 2026-12-01", most recent first. */
  reviewers: string[];
}

/** One topic: its legal review, and for each locale a compact state of its label and body messages. */
export interface TopicReviewRow {
  topic: string;
  legal: 'needs-review' | 'reviewed';
  reviewedBy?: string;
  reviewedOn?: string;
  reviewBefore?: string;
  verify: number;
  /** `R` every message reviewed, `d` up to date but some still draft, `S2` two stale, `M1` one missing. */
  cells: Record<LocaleCode, string>;
}

export interface ReviewStatus {
  locales: LocaleReviewRow[];
  topics: TopicReviewRow[];
  /** The same cells for the messages outside topics (buttons, questions, notices). */
  interface: Record<LocaleCode, string>;
  /** The same cells for the leaflets' words (titles, lines, captions, the prefilled WhatsApp message). */
  leaflets: Record<LocaleCode, string>;
  /** Stale translations, listed for the translators; a normal state, not a problem. */
  stale: { locale: LocaleCode; message: string }[];
}

/**
 * Topics whose review-before date has passed on `today` (YYYY-MM-DD, Paris): their facts were known to
 * be changing (the EU Pact's rules in France, say) and the legal team must look again, then move the date.
 */
export function overdueReviews(status: ReviewStatus, today: string): TopicReviewRow[] {
  return status.topics.filter((t) => t.reviewBefore !== undefined && t.reviewBefore < today);
}

/** Per locale and per topic, where the translations and the legal review stand (for `content:check`). */
export function reviewStatus(files: ContentFiles): ReviewStatus | undefined {
  const parsed = parseContentFiles(files);
  if (!parsed.ok) return undefined;
  const { topics, locales } = parsed.parsed;
  const source = locales.get(SOURCE)!;
  const ids = [...new Set([...requiredMessageIds(topics), ...Object.keys(source.messages)])].sort();
  const stateOf = (code: LocaleCode, id: string): TranslationState | 'source' =>
    code === SOURCE ? 'source' : translationState(source, locales.get(code)!, id);

  const rows: LocaleReviewRow[] = [];
  const stale: ReviewStatus['stale'] = [];
  for (const code of LOCALES) {
    const file = locales.get(code)!;
    const counts: Record<TranslationState, number> = { reviewed: 0, draft: 0, stale: 0, missing: 0 };
    if (code !== SOURCE) {
      for (const id of ids) {
        const state = stateOf(code, id) as TranslationState;
        counts[state]++;
        if (state === 'stale') stale.push({ locale: code, message: id });
      }
    }
    const byReviewer = new Map<string, { n: number; last: string }>();
    for (const [id, review] of Object.entries(file.reviews)) {
      // Only reviews that still hold: of the translation of the current French.
      if (stateOf(code, id) !== 'reviewed') continue;
      const seen = byReviewer.get(review.by) ?? { n: 0, last: '' };
      byReviewer.set(review.by, { n: seen.n + 1, last: review.on > seen.last ? review.on : seen.last });
    }
    const reviewers = [...byReviewer]
      .sort((a, b) => b[1].last.localeCompare(a[1].last) || a[0].localeCompare(b[0]))
      .map(([by, { n, last }]) => `${by}: ${n} message${n === 1 ? '' : 's'}, last ${last}`);
    rows.push({ locale: code, status: file.status, total: ids.length, counts, reviewers });
  }

  const cellsFor = (messages: string[]) => {
    const cells = {} as Record<LocaleCode, string>;
    for (const code of LOCALES) {
      if (code === SOURCE) {
        cells[code] = 'src';
        continue;
      }
      const states = messages.map((id) => stateOf(code, id));
      const count = (s: TranslationState) => states.filter((x) => x === s).length;
      const flags = [count('stale') && `S${count('stale')}`, count('missing') && `M${count('missing')}`].filter(Boolean);
      cells[code] = flags.length > 0 ? flags.join(' ') : count('draft') > 0 ? 'd' : 'R';
    }
    return cells;
  };
  const topicRows: TopicReviewRow[] = topics.topics.map((t) => {
    const cells = cellsFor([...new Set([`${t.id}.label`, ...t.body])]);
    return {
      topic: t.id,
      legal: t.review?.status ?? 'needs-review',
      ...(t.review?.reviewedBy ? { reviewedBy: t.review.reviewedBy } : {}),
      ...(t.reviewedOn ? { reviewedOn: t.reviewedOn } : {}),
      ...(t.review?.reviewBefore ? { reviewBefore: t.review.reviewBefore } : {}),
      verify: t.review?.verify.length ?? 0,
      cells,
    };
  });
  return { locales: rows, topics: topicRows, interface: cellsFor([...UI_MESSAGES]), leaflets: cellsFor(leafletMessageIds(topics)), stale };
}
