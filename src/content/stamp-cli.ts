/**
 * `npm run content:stamp -- --locale ar --ids r-zone.1,r-zone.3` records that these messages of a
 * translation now translate the current French text (they are no longer stale). `--all` stamps every
 * message the locale has: for a translator who has gone through all of them. Review marks stay only
 * on messages whose French did not change.
 */
import { parseArgs } from 'node:util';
import { isLocale, SOURCE_LOCALE } from '../core/locales.js';
import { readLocaleJson, writeLocaleJson } from './files.js';
import { sourceHash } from './versions.js';

const { values } = parseArgs({
  options: { locale: { type: 'string' }, ids: { type: 'string' }, all: { type: 'boolean', default: false } },
});
const locale = values.locale;
if (!locale || !isLocale(locale) || locale === SOURCE_LOCALE || (!values.ids && !values.all)) {
  console.error('usage: npm run content:stamp -- --locale <en|ar|es|pt-BR|fa|ps|ti> (--ids id1,id2 | --all)');
  process.exit(2);
}
const french = (await readLocaleJson(SOURCE_LOCALE)).messages as Record<string, string>;
const file = await readLocaleJson(locale);
const messages = file.messages as Record<string, string>;
const sources = { ...((file.sources as Record<string, string> | undefined) ?? {}) };
const reviews = { ...((file.reviews as Record<string, unknown> | undefined) ?? {}) };

const ids = values.all ? Object.keys(messages) : values.ids!.split(',').map((id) => id.trim()).filter(Boolean);
const problems: string[] = [];
let stamped = 0;
for (const id of ids) {
  if (messages[id] === undefined) problems.push(`${id}: not in ${locale}.json`);
  else if (french[id] === undefined) problems.push(`${id}: not in ${SOURCE_LOCALE}.json`);
  else {
    const hash = sourceHash(french[id]);
    // A review was of the translation of another French text: it no longer holds.
    if (sources[id] !== hash) delete reviews[id];
    sources[id] = hash;
    stamped++;
  }
}
for (const id of Object.keys(sources)) if (messages[id] === undefined) delete sources[id];
await writeLocaleJson(locale, { ...file, sources, reviews });
console.log(`${locale}: ${stamped} message(s) stamped as translating the current French.`);
if (problems.length > 0) {
  console.error(problems.map((p) => `  - ${p}`).join('\n'));
  process.exitCode = 1;
}
