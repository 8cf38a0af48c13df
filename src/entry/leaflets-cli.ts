import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContent, SHIPPED_FILES } from '../content/index.js';
import { topicsFileSchema } from '../content/schema.js';
import { isLocale, LOCALES, type LocaleCode } from '../core/locales.js';
import { LAYOUTS, type Layout } from '../leaflets/page.js';
import { printSet } from '../leaflets/print-set.js';
import { createReach } from '../leaflets/reach.js';
import { readConfigOrSay } from './read-config.js';

/**
 * `npm run leaflets -- --out DIR`: the leaflets as self-contained HTML files for a print shop, the same
 * pages as /console/leaflets shows. The links come from configuration (TELEGRAM_BOT_USERNAME, or the
 * bot's username asked of Telegram when TELEGRAM_BOT_TOKEN is set; WHATSAPP_DISPLAY_NUMBER).
 * Exit codes: 0 written, 1 refused (configuration, nothing to link to), 2 usage.
 */
const USAGE = `usage: npm run leaflets -- --out DIR [--layout a6|a4] [--bilingual] [--entry ALIAS,…] [--locale fr,ar,…]
  writes one HTML file per entry point × language × layout (a6 card and a4 poster unless --layout),
  plus index.html; --bilingual adds A4 posters with French above each other language`;

async function main(argv: string[]): Promise<number> {
  let values: { out?: string; layout?: string; bilingual?: boolean; entry?: string; locale?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        layout: { type: 'string' },
        bilingual: { type: 'boolean', default: false },
        entry: { type: 'string' },
        locale: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const topics = topicsFileSchema.parse(SHIPPED_FILES.topics);
  const list = (raw: string | undefined) => raw?.split(',').map((s) => s.trim()).filter(Boolean);
  const entries = list(values.entry);
  const locales = list(values.locale);
  const problems = [
    !values.out && '--out DIR is required',
    values.layout !== undefined && !(LAYOUTS as readonly string[]).includes(values.layout) && `--layout must be ${LAYOUTS.join(' or ')}`,
    ...(entries ?? []).filter((e) => !topics.leaflets.includes(e)).map((e) => `--entry ${e}: not an entry point (${topics.leaflets.join(', ')})`),
    ...(locales ?? []).filter((l) => !isLocale(l)).map((l) => `--locale ${l}: not a locale (${LOCALES.join(', ')})`),
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n${USAGE}`);
    return 2;
  }

  const config = readConfigOrSay(process.env);
  if (!config) return 1;
  const reach = await createReach(config)();
  if (reach.telegram.status === 'missing' && reach.whatsapp.status === 'missing') {
    console.error(`Nothing to link to: a leaflet needs a Telegram bot or a WhatsApp number.\n  ${reach.telegram.why}\n  ${reach.whatsapp.why}`);
    return 1;
  }
  for (const channel of [reach.telegram, reach.whatsapp]) {
    if (channel.status === 'missing') console.error(`warning: ${channel.why} That QR code is left out of every leaflet.`);
  }

  const out = resolve(values.out!);
  const { files } = printSet(loadContent(), topics, reach, {
    layouts: values.layout ? [values.layout as Layout] : [...LAYOUTS],
    bilingual: values.bilingual ?? false,
    ...(entries ? { entries } : {}),
    ...(locales ? { locales: locales as LocaleCode[] } : {}),
    ...(config.association.name ? { associationName: config.association.name } : {}),
  });
  await mkdir(out, { recursive: true });
  await Promise.all(files.map((f) => writeFile(join(out, f.name), f.html)));
  console.log(`Wrote ${files.length - 1} leaflets and index.html to ${out}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
