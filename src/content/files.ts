import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCALES, type LocaleCode } from '../core/locales.js';
import type { ContentFiles } from './schema.js';

/**
 * The content files on disk, for the command-line tools that change them (stamp, import). The bot
 * itself never reads the disk: it imports the files (see `SHIPPED_FILES`), so Workers carry them.
 */

/** `locales/` at the project's root, found upwards from this file (sources or compiled). */
export const LOCALES_FOLDER = ((): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'locales', 'topics.json'))) return join(dir, 'locales');
    if (dirname(dir) === dir) return fileURLToPath(new URL('../../locales/', import.meta.url));
  }
})();

const localePath = (locale: LocaleCode, folder = LOCALES_FOLDER) => `${folder.replace(/\/?$/, '/')}${locale}.json`;

/** Every content file of a folder as parsed JSON (for the tools that check a change before writing it). */
export async function readContentFiles(folder = LOCALES_FOLDER): Promise<ContentFiles> {
  const topics = JSON.parse(await readFile(`${folder.replace(/\/?$/, '/')}topics.json`, 'utf8')) as unknown;
  const locales: Record<string, unknown> = {};
  for (const locale of LOCALES) locales[locale] = await readLocaleJson(locale, folder);
  return { topics, locales };
}

export async function readLocaleJson(locale: LocaleCode, folder?: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(localePath(locale, folder), 'utf8')) as Record<string, unknown>;
}

/** Writes a locale file as the repository keeps it: two-space JSON, the translation records after the messages. */
export async function writeLocaleJson(locale: LocaleCode, data: Record<string, unknown>, folder?: string): Promise<void> {
  const { sources, reviews, ...rest } = data;
  const ordered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    ordered[key] = value;
    if (key === 'messages') {
      if (sources && Object.keys(sources).length > 0) ordered.sources = sortKeys(sources as Record<string, unknown>);
      if (reviews && Object.keys(reviews).length > 0) ordered.reviews = sortKeys(reviews as Record<string, unknown>);
    }
  }
  // Keep the file's own ending (with or without a final newline), so a rewrite changes only what changed.
  const path = localePath(locale, folder);
  const newline = existsSync(path) && (await readFile(path, 'utf8')).endsWith('\n') ? '\n' : '';
  await writeFile(path, JSON.stringify(ordered, null, 2) + newline);
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
