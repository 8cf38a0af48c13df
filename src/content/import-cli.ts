/**
 * `npm run content:import -- --locale fa relais-fa.csv [--reviewer "Name"] [--dry-run]` reads a review
 * file back. Every row is checked (ICU syntax, placeholders, channel limits, script) on the content as
 * it would be; any error refuses the whole file with its line and reason, and nothing is written.
 * Otherwise the locale file is updated: changed translations are stamped as translating the current
 * French, reviews are recorded, and what changed is printed.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isLocale, SOURCE_LOCALE } from '../core/locales.js';
import { LOCALES_FOLDER, readContentFiles, writeLocaleJson } from './files.js';
import { planImport } from './review-file.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    locale: { type: 'string' },
    reviewer: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    dir: { type: 'string', default: LOCALES_FOLDER },
    /** The date recorded with --reviewer (tests); today by default. */
    today: { type: 'string' },
  },
});
const locale = values.locale;
const path = positionals[0];
if (!locale || !isLocale(locale) || locale === SOURCE_LOCALE || !path || positionals.length > 1) {
  console.error('usage: npm run content:import -- --locale <en|ar|es|pt-BR|fa|ps|ti> file.csv [--reviewer "Name"] [--dry-run]');
  process.exit(2);
}
const reviewer = values.reviewer?.trim();
const plan = planImport(await readContentFiles(values.dir), locale, await readFile(path, 'utf8'), {
  ...(reviewer ? { reviewer } : {}),
  today: values.today ?? new Date().toISOString().slice(0, 10),
});

if (plan.status === 'refused') {
  console.error(`${path}: refused, nothing was changed (${plan.errors.length} error(s)):`);
  for (const e of plan.errors) console.error(`  ${e}`);
  process.exit(1);
}
if (plan.changes.length === 0) {
  console.log(`${path}: no change for ${locale}.`);
  process.exit(0);
}
for (const c of plan.changes) {
  console.log(`  line ${c.line}: ${c.id} ${c.what}${c.stillStale ? ' (translated from an older French text: still stale)' : ''}`);
}
if (values['dry-run']) {
  console.log(`${path}: ${plan.changes.length} change(s) for ${locale}; --dry-run, nothing written.`);
} else {
  await writeLocaleJson(locale, plan.file, values.dir);
  console.log(`${path}: ${plan.changes.length} change(s) written to ${locale}.json. Run npm run content:check.`);
}
