/**
 * `npm run content:check`: prints a per-locale completeness table, then every problem, and exits
 * non-zero when there is any. Reads the same statically imported files the bot ships.
 */
import { checkContent, completeness } from './check.js';
import { formatProblem, SHIPPED_FILES } from './index.js';
import { topicsFileSchema } from './schema.js';

const problems = checkContent(SHIPPED_FILES);
const rows = completeness(SHIPPED_FILES, problems);

const header = ['locale', 'name', 'dir', 'status', 'messages', 'keywords', 'problems'];
const table = [header, ...rows.map((r) => [r.locale, r.nativeName, r.direction, r.status, r.messages, r.keywords, String(r.problems)])];
const widths = header.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
for (const row of table) console.log(row.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  '));
console.log('');

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
