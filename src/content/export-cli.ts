/**
 * `npm run content:export -- --locale fa [--out relais-fa.csv]` writes a locale's review file: one row
 * per message with the French source, the current translation, its status (draft, reviewed, stale,
 * missing), the reviewer and date, and what to keep in mind (length limits, placeholders). Open it in
 * any spreadsheet app; bring it back with `npm run content:import`. `--out -` prints it instead.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isLocale, SOURCE_LOCALE } from '../core/locales.js';
import { LOCALES_FOLDER, readContentFiles } from './files.js';
import { countStatuses, reviewRows, toCsv } from './review-file.js';

const { values } = parseArgs({
  options: { locale: { type: 'string' }, out: { type: 'string' }, dir: { type: 'string', default: LOCALES_FOLDER } },
});
const locale = values.locale;
if (!locale || !isLocale(locale) || locale === SOURCE_LOCALE) {
  console.error('usage: npm run content:export -- --locale <en|ar|es|pt-BR|fa|ps|ti> [--out file.csv | --out -]');
  process.exit(2);
}
const rows = reviewRows(await readContentFiles(values.dir), locale);
const csv = toCsv(rows);
const counts = countStatuses(rows);
const summary = `${rows.length} messages: ${counts.reviewed} reviewed, ${counts.draft} draft, ${counts.stale} stale, ${counts.missing} missing`;
if (values.out === '-') {
  process.stdout.write(csv);
  console.error(summary);
} else {
  const out = values.out ?? `relais-${locale}.csv`;
  await writeFile(out, csv);
  console.log(`${out}: ${summary}.`);
  console.log(`Edit the "translation" column (and "reviewer", "reviewed_on" once a native speaker has checked a row), then: npm run content:import -- --locale ${locale} ${out}`);
}
