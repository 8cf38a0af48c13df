/**
 * `npm run content:check`: prints a per-locale table (completeness, translation review), a
 * topic × locale review table, the topics past their review-before date, the stale translations, the
 * points lawyers must verify, then every problem, and exits non-zero when there is any. Stale translations are listed, not counted as
 * problems: a French change makes them stale until translators catch up, and the bot says so meanwhile.
 * Reads the same statically imported files the bot ships.
 */
import { LOCALES } from '../core/locales.js';
import { parisClock } from '../core/time.js';
import { checkContent, completeness, overdueReviews, reviewStatus } from './check.js';
import { formatProblem, SHIPPED_FILES } from './index.js';
import { topicsFileSchema } from './schema.js';

const problems = checkContent(SHIPPED_FILES);
const rows = completeness(SHIPPED_FILES, problems);
const review = reviewStatus(SHIPPED_FILES);
const today = parisClock(new Date()).date;
const overdue = new Set(review ? overdueReviews(review, today).map((t) => t.topic) : []);

/** Columns padded to their widest cell (characters, not bytes: names are in eight scripts). */
function printTable(table: string[][]): void {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...(row[i] ?? '')].length)));
  for (const row of table) console.log(row.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd());
}

const header = ['locale', 'name', 'dir', 'status', 'messages', 'keywords', 'reviewed', 'draft', 'stale', 'missing', 'problems'];
printTable([
  header,
  ...rows.map((r) => {
    const counts = review?.locales.find((l) => l.locale === r.locale);
    const c = (n: number | undefined) => (r.locale === 'fr' || n === undefined ? '—' : String(n));
    return [
      r.locale,
      r.nativeName,
      r.direction,
      r.status,
      r.messages,
      r.keywords,
      c(counts?.counts.reviewed),
      c(counts?.counts.draft),
      c(counts?.counts.stale),
      c(counts?.counts.missing),
      String(r.problems),
    ];
  }),
]);
console.log('');

if (review) {
  console.log('Reviewed by (native speakers, per locale; a review holds until the French changes):');
  for (const l of review.locales) {
    if (l.locale === 'fr') continue;
    console.log(`  ${l.locale}: ${l.reviewers.length > 0 ? l.reviewers.join('; ') : 'nobody yet'}`);
  }
  console.log('');

  console.log('Review by topic: legal review, then each translation (R reviewed, d draft, S2 two stale, M1 one missing):');
  const codes = LOCALES.filter((l) => l !== 'fr');
  printTable([
    ['topic', 'legal', 'reviewed on', 'review before', 'verify', ...codes],
    ...review.topics.map((t) => [
      t.topic,
      t.legal === 'reviewed' ? `reviewed${t.reviewedBy ? ` (${t.reviewedBy})` : ''}` : 'needs review',
      t.reviewedOn ?? '—',
      t.reviewBefore ? `${t.reviewBefore}${overdue.has(t.topic) ? ' OVERDUE' : ''}` : '—',
      String(t.verify),
      ...codes.map((c) => t.cells[c]),
    ]),
    ['(buttons, notices)', '—', '—', '—', '—', ...codes.map((c) => review.interface[c])],
    ['(leaflets)', '—', '—', '—', '—', ...codes.map((c) => review.leaflets[c])],
  ]);
  console.log('');

  // Said loudly but not failed: a date passing must not break every build; the legal team acts on it.
  if (overdue.size > 0) {
    console.log(`${overdue.size} topic(s) past their review-before date (today is ${today} in Paris): the facts may have changed; the legal team should check them and move the date (review.reviewBefore in topics.json):`);
    console.log(`  ${[...overdue].join(', ')}`);
    console.log('');
  }

  if (review.stale.length > 0) {
    console.log(`${review.stale.length} stale translation(s): the French changed since they were made. The bot shows the French beside them until they are updated (content:export, then content:import or content:stamp):`);
    for (const code of codes) {
      const ids = review.stale.filter((s) => s.locale === code).map((s) => s.message);
      if (ids.length > 0) console.log(`  ${code}: ${ids.join(', ')}`);
    }
  } else {
    console.log('No stale translation: every translation translates the current French.');
  }
  console.log('');
}

// What is still waiting for people: lawyers for the facts, native speakers for the drafts.
const graph = topicsFileSchema.safeParse(SHIPPED_FILES.topics);
if (graph.success) {
  const pending = graph.data.topics.filter((t) => t.review?.status !== 'reviewed');
  const verify = graph.data.topics.flatMap((t) => (t.review?.verify ?? []).map((v) => `${t.id}: ${v}`));
  console.log(`${pending.length}/${graph.data.topics.length} topics await the association's legal review; ${verify.length} point(s) to verify:`);
  for (const v of verify) console.log('  [VERIFY] ' + v);
  console.log('');
}

const general = problems.filter((p) => !p.locale).length;
if (problems.length === 0) {
  console.log('content:check passed: every message is present and well-formed in every locale, every topic is reachable, sourced and dated, and every label fits the channels.');
} else {
  console.error(`content:check found ${problems.length} problem(s)${general ? ` (${general} not tied to a locale)` : ''}:`);
  for (const p of problems) console.error('  - ' + formatProblem(p));
  process.exitCode = 1;
}
