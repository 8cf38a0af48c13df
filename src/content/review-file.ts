import { IntlMessageFormat } from 'intl-messageformat';
import { z } from 'zod';
import { PLATFORM_LIMITS } from '../core/limits.js';
import { SOURCE_LOCALE, type LocaleCode } from '../core/locales.js';
import { checkContent } from './check.js';
import { formatProblem, parseContentFiles, type ContentFiles, type ContentProblem } from './index.js';
import { localeFileSchema, type LocaleFile, type TopicsFile } from './schema.js';
import { UI_MESSAGES } from './screens.js';
import { leafletLimit, leafletMessageIds } from './leaflet-texts.js';
import { sourceHash, translationState, type TranslationState } from './versions.js';

/**
 * The review file: one row per message of a locale, for the people who own the content (lawyers,
 * translators, native-speaker reviewers) to work in the spreadsheet they already use, then to bring
 * back. `content:export` writes it, `content:import` reads it back. Pure: text in, text or a new
 * locale file out; the command-line tools do the reading and writing.
 *
 * CSV as RFC 4180 (comma, double quotes, CRLF), in UTF-8 with a byte-order mark, without which
 * spreadsheet apps open Arabic, Persian, Pashto and Ge'ez script as mojibake.
 */

export const REVIEW_COLUMNS = ['id', 'topic', 'french', 'translation', 'status', 'reviewer', 'reviewed_on', 'notes'] as const;
type Column = (typeof REVIEW_COLUMNS)[number];
export type ReviewRow = Record<Column, string>;

const BOM = '\uFEFF';
const { whatsapp } = PLATFORM_LIMITS;

/** The rows of a locale's review file: topic by topic (label, then body), then the bot's own words. */
export function reviewRows(files: ContentFiles, locale: LocaleCode): ReviewRow[] {
  const { topics, source, file } = parsedFor(files, locale);
  const rows: ReviewRow[] = [];
  const seen = new Set<string>();
  const add = (id: string, topic: string) => {
    if (seen.has(id) || source.messages[id] === undefined) return;
    seen.add(id);
    const state = translationState(source, file, id);
    const review = file.reviews[id];
    rows.push({
      id,
      topic,
      french: source.messages[id]!,
      translation: file.messages[id] ?? '',
      status: state,
      reviewer: review?.by ?? '',
      reviewed_on: review?.on ?? '',
      notes: notesFor(id, source.messages[id]!, topics, file.direction),
    });
  };
  for (const t of topics.topics) for (const id of [`${t.id}.label`, ...t.body]) add(id, t.id);
  for (const id of leafletMessageIds(topics)) add(id, 'leaflet');
  for (const id of UI_MESSAGES) add(id, 'ui');
  for (const id of Object.keys(source.messages)) add(id, 'ui');
  return rows;
}

/** What the person editing a row must keep in mind: its length limit, its placeholders, its script. */
function notesFor(id: string, french: string, topics: TopicsFile, direction: 'ltr' | 'rtl'): string {
  const notes: string[] = [];
  const isBranch = topics.topics.some((t) => t.id === topics.root && t.children.some((c) => `${c}.label` === id));
  if (id.startsWith('leaflet.')) {
    notes.push(`printed leaflet: ≤ ${leafletLimit(id)} characters (A6 card)`);
    if (id === 'leaflet.whatsapp.text') notes.push('keep {code} whole, with a space or a bracket on each side: the bot reads it back');
  } else if (id.endsWith('.label')) {
    notes.push(`label: ≤ ${whatsapp.buttonTitle} characters as a button, ≤ ${whatsapp.rowTitle} in a list`);
    if (isBranch) notes.push(`≤ ${whatsapp.rowDescription} as a description`);
  } else if (/^(nav|who|erase)\./.test(id) && !['who.ask', 'erase.confirm', 'erase.done', 'erase.cancelled'].includes(id)) {
    notes.push(`button: ≤ ${whatsapp.buttonTitle} characters`);
  } else if (id === 'list.button') notes.push(`list button: ≤ ${whatsapp.listButton} characters`);
  else if (id === 'list.section') notes.push(`list title: ≤ ${whatsapp.sectionTitle} characters`);
  else if (id.startsWith('web.')) notes.push('web chat: a few words');
  else if (topics.topics.some((t) => t.body.at(-1) === id)) notes.push(`sent with the buttons: ≤ ${whatsapp.interactiveBody} characters`);
  const placeholders = placeholdersOf(french);
  if (placeholders.length > 0) notes.push(`keep ${placeholders.map((p) => `{${p}}`).join(' ')} as in French`);
  if (direction === 'rtl') notes.push('open with a word in your script');
  return notes.join('; ');
}

function placeholdersOf(message: string): string[] {
  try {
    const names = new Set<string>();
    const walk = (ast: ReturnType<IntlMessageFormat['getAst']>) => {
      for (const el of ast) {
        if (el.type !== 0 && 'value' in el && typeof el.value === 'string') names.add(el.value);
        if ('options' in el) for (const opt of Object.values(el.options)) walk(opt.value);
      }
    };
    walk(new IntlMessageFormat(message, 'fr', undefined, { ignoreTag: true }).getAst());
    return [...names];
  } catch {
    return [];
  }
}

// ——— CSV (RFC 4180) ———

const needsQuotes = /[",\r\n]|^\s|\s$/;
const quote = (field: string) => (needsQuotes.test(field) ? `"${field.replace(/"/g, '""')}"` : field);

/** Rows → CSV text, with the BOM and CRLF line ends. */
export function toCsv(rows: ReviewRow[]): string {
  const lines = [REVIEW_COLUMNS.join(','), ...rows.map((row) => REVIEW_COLUMNS.map((c) => quote(row[c])).join(','))];
  return BOM + lines.join('\r\n') + '\r\n';
}

/** One CSV record and the line of the file it starts on (1 is the header). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvError';
  }
}

/**
 * Parses CSV strictly: quoted fields may hold commas, quotes (doubled) and line breaks; a quote
 * anywhere else, or a quoted field left open, is an error naming its line. Line breaks inside fields
 * come back as `\n`, whatever the spreadsheet wrote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.startsWith(BOM) ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < input.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (input[i] === '"') {
        i++;
        for (;;) {
          if (i >= input.length) throw new CsvError(start, 'a quoted field is never closed (a missing ")');
          const ch = input[i]!;
          if (ch === '"') {
            if (input[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\r' && input[i + 1] === '\n') {
            field += '\n';
            i += 2;
            line++;
            continue;
          }
          if (ch === '\n' || ch === '\r') line++;
          field += ch === '\r' ? '\n' : ch;
          i++;
        }
        const next = input[i];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
          throw new CsvError(line, 'text after a closing quote (a quote inside a field must be doubled: "")');
        }
      } else {
        while (i < input.length && input[i] !== ',' && input[i] !== '\r' && input[i] !== '\n') {
          if (input[i] === '"') throw new CsvError(line, 'a quote inside an unquoted field (quote the whole field, and double the quote: "")');
          field += input[i];
          i++;
        }
      }
      fields.push(field);
      if (input[i] === ',') {
        i++;
        continue;
      }
      if (input[i] === '\r' && input[i + 1] === '\n') i += 2;
      else if (input[i] === '\r' || input[i] === '\n') i++;
      line++;
      break;
    }
    // A blank line (a spreadsheet's last empty row) is no record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

// ——— import ———

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'reviewed_on is written YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'reviewed_on is not a real date');

const rowSchema = z
  .object({
    id: z.string().trim().min(1, 'the id is empty'),
    topic: z.string().trim(),
    french: z.string(),
    translation: z.string(),
    status: z.enum(['draft', 'reviewed', 'stale', 'missing'], 'status is one of draft, reviewed, stale, missing'),
    reviewer: z.string().trim(),
    reviewed_on: z.union([z.literal(''), isoDate]),
    notes: z.string(),
  })
  .refine((r) => (r.reviewer === '') === (r.reviewed_on === ''), 'reviewer and reviewed_on go together: fill both, or neither');

export interface ImportOptions {
  /** Who is importing, recorded as the reviewer of every row the file changes or confirms without naming one. */
  reviewer?: string;
  /** Today, YYYY-MM-DD (the date recorded with `reviewer`). */
  today: string;
}

/** One message the import changes, for the report. */
export interface ImportChange {
  line: number;
  id: string;
  what: 'translated' | 'updated' | 'confirmed' | 'reviewed' | 'review removed';
  /** Still stale after the import: translated from a French text that has changed since. */
  stillStale: boolean;
}

export type ImportPlan =
  | { status: 'ok'; file: Record<string, unknown>; changes: ImportChange[] }
  | { status: 'refused'; errors: string[] };

/**
 * Reads a review file back into a locale, all or nothing: every row is checked (its shape, its id,
 * its ICU syntax and placeholders, its length on every channel, its script) by building the content
 * with the candidate file and running `checkContent` on it. Any error refuses the whole file, with the
 * line and the reason. Otherwise the new locale file is returned (for the caller to write):
 * - a changed translation is taken and stamped as translating the French in its row (the current
 *   French, unless the file was exported before the French changed: then it stays stale);
 * - an unchanged stale translation is *confirmed* (stamped) only when the row says so: its status
 *   changed from `stale`, or it names a reviewer; an untouched file changes nothing;
 * - `reviewer` and `reviewed_on` record a review; a changed translation without them loses its old one.
 */
export function planImport(files: ContentFiles, locale: LocaleCode, csv: string, options: ImportOptions): ImportPlan {
  if (locale === SOURCE_LOCALE) return { status: 'refused', errors: [`${locale} is the French source: edit fr.json itself`] };
  let records: CsvRecord[];
  try {
    records = parseCsv(csv);
  } catch (error) {
    return { status: 'refused', errors: [(error as Error).message] };
  }
  const [header, ...body] = records;
  if (!header || header.fields.join(',') !== REVIEW_COLUMNS.join(',')) {
    return { status: 'refused', errors: [`line 1: the first line must be the column names ${REVIEW_COLUMNS.join(',')}`] };
  }
  const { topics, source, file, raw } = parsedFor(files, locale);
  const expected = new Map(reviewRows(files, locale).map((r) => [r.id, r]));
  const errors: string[] = [];
  const lineOf = new Map<string, number>();
  const next: LocaleFile = structuredClone(file);
  const changes: ImportChange[] = [];

  for (const record of body) {
    const at = `line ${record.line}`;
    if (record.fields.length !== REVIEW_COLUMNS.length) {
      errors.push(`${at}: ${record.fields.length} columns instead of ${REVIEW_COLUMNS.length} (a comma or a line break outside quotes?)`);
      continue;
    }
    const parsed = rowSchema.safeParse(Object.fromEntries(REVIEW_COLUMNS.map((c, i) => [c, record.fields[i]])));
    if (!parsed.success) {
      errors.push(`${at}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      continue;
    }
    const row = parsed.data;
    const known = expected.get(row.id);
    if (!known) {
      errors.push(`${at}: unknown message id "${row.id}" (not in ${SOURCE_LOCALE}.json)`);
      continue;
    }
    if (lineOf.has(row.id)) {
      errors.push(`${at}: "${row.id}" is already on line ${lineOf.get(row.id)}`);
      continue;
    }
    lineOf.set(row.id, record.line);
    if (row.topic !== known.topic) {
      errors.push(`${at}: "${row.id}" belongs to ${known.topic}, not ${row.topic || 'no topic'} (were rows or columns shifted?)`);
      continue;
    }
    const before = file.messages[row.id];
    if (row.translation.trim() === '') {
      if (before !== undefined) errors.push(`${at}: the translation of "${row.id}" is empty (to change it, write the new one)`);
      continue;
    }
    if (row.status === 'reviewed' && row.reviewer === '' && !options.reviewer && known.status !== 'reviewed') {
      errors.push(`${at}: status "reviewed" needs a reviewer and a date (columns reviewer and reviewed_on, or --reviewer)`);
      continue;
    }
    const hash = sourceHash(row.french);
    const changed = before !== row.translation;
    const oldReview = file.reviews[row.id];
    // A review in the row counts only if it is new: the exported columns still name the old one.
    const newReview = row.reviewer !== '' && (row.reviewer !== oldReview?.by || row.reviewed_on !== oldReview?.on);
    const removedReview = row.reviewer === '' && oldReview !== undefined;
    const confirmed = !changed && known.status === 'stale' && (row.status !== 'stale' || newReview);
    const stillStale = row.french !== source.messages[row.id];

    if (changed || confirmed) {
      next.messages[row.id] = row.translation;
      next.sources[row.id] = hash;
      // The importer vouches for what they changed or confirmed, unless it is still stale.
      const review = newReview
        ? { by: row.reviewer, on: row.reviewed_on }
        : options.reviewer && !stillStale
          ? { by: options.reviewer, on: options.today }
          : undefined;
      if (review) next.reviews[row.id] = review;
      else delete next.reviews[row.id];
      changes.push({ line: record.line, id: row.id, what: changed ? (before === undefined ? 'translated' : 'updated') : 'confirmed', stillStale });
    } else if (newReview) {
      next.reviews[row.id] = { by: row.reviewer, on: row.reviewed_on };
      changes.push({ line: record.line, id: row.id, what: 'reviewed', stillStale });
    } else if (removedReview) {
      delete next.reviews[row.id];
      changes.push({ line: record.line, id: row.id, what: 'review removed', stillStale });
    }
  }
  // Everything the bot will do with these messages, checked on the content as it would be (rows
  // refused above are left out, so the translators get every error of the file at once).
  const problems = contentProblems(files, locale, raw, next, source);
  // A message that does not parse cannot be rendered, and hides the lengths of the others: check
  // again with those messages as they were.
  const unparsable = new Set(problems.filter((p) => p.code === 'icu-syntax').map((p) => p.message!));
  if (unparsable.size > 0) {
    const retry = structuredClone(next);
    for (const id of unparsable) {
      if (file.messages[id] === undefined) delete retry.messages[id];
      else retry.messages[id] = file.messages[id]!;
    }
    problems.push(...contentProblems(files, locale, raw, retry, source).filter((p) => !(p.message && unparsable.has(p.message))));
  }
  for (const p of dedupeByMessage(problems)) errors.push(explain(p, lineOf));
  if (errors.length > 0) return { status: 'refused', errors: errors.sort(byLine) };
  return { status: 'ok', file: toLocaleJson(raw, next, source), changes };
}

function contentProblems(
  files: ContentFiles,
  locale: LocaleCode,
  raw: Record<string, unknown>,
  next: LocaleFile,
  source: LocaleFile,
): ContentProblem[] {
  const candidate = toLocaleJson(raw, next, source);
  return checkContent({ ...files, locales: { ...files.locales, [locale]: candidate } }).filter(
    (p) => p.locale === locale || p.locale === undefined,
  );
}

const lineNumber = (error: string) => Number(/^line (\d+)/.exec(error)?.[1] ?? Infinity);
const byLine = (a: string, b: string) => lineNumber(a) - lineNumber(b);

/** One line per message (a label too long on several screens is one mistake). */
function dedupeByMessage(problems: ContentProblem[]): ContentProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}|${p.message ?? p.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function explain(problem: ContentProblem, lineOf: ReadonlyMap<string, number>): string {
  const line = problem.message ? lineOf.get(problem.message) : undefined;
  const { locale: _locale, ...rest } = problem;
  return `${line ? `line ${line}` : 'the file'}: ${formatProblem(rest)}`;
}

/** The locale file as JSON, its messages in the French order (what `writeLocaleJson` then writes). */
function toLocaleJson(raw: Record<string, unknown>, next: LocaleFile, source: LocaleFile): Record<string, unknown> {
  const ordered: Record<string, string> = {};
  for (const id of Object.keys(source.messages)) if (next.messages[id] !== undefined) ordered[id] = next.messages[id]!;
  for (const [id, text] of Object.entries(next.messages)) if (!(id in ordered)) ordered[id] = text;
  return { ...raw, messages: ordered, sources: next.sources, reviews: next.reviews };
}

function parsedFor(files: ContentFiles, locale: LocaleCode) {
  const parsed = parseContentFiles(files);
  if (!parsed.ok) throw new Error(`the content files do not parse; run npm run content:check:\n${parsed.problems.map(formatProblem).join('\n')}`);
  const source = parsed.parsed.locales.get(SOURCE_LOCALE)!;
  const raw = files.locales[locale] as Record<string, unknown>;
  return { topics: parsed.parsed.topics, source, file: localeFileSchema.parse(raw), raw };
}

/** Counts per status, for the export's summary line. */
export function countStatuses(rows: ReviewRow[]): Record<TranslationState, number> {
  const counts: Record<TranslationState, number> = { reviewed: 0, draft: 0, stale: 0, missing: 0 };
  for (const r of rows) counts[r.status as TranslationState]++;
  return counts;
}
