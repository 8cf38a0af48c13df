import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseHandle } from './database.js';

/**
 * The committed drizzle-kit migrations: `drizzle/` at the project's root, found from wherever this
 * code runs (the TypeScript sources in development, the compiled `dist/node/` in production).
 */
export const MIGRATIONS_FOLDER = findUp('drizzle/meta/_journal.json', '../..');

/** Applies every pending migration in `drizzle/` (Node only: Workers are migrated by `npm run db:migrate`). */
export async function migrateDatabase(handle: DatabaseHandle, folder = MIGRATIONS_FOLDER): Promise<void> {
  if (handle.driver === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: folder });
  } else {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await migrate(handle.db as never, { migrationsFolder: folder });
  }
}

/** The folder holding `marker` (a path under it), searched upwards from this file. */
function findUp(marker: string, up: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, marker))) return join(dir, marker.split('/')[0]!);
    const parent = dirname(dir);
    if (parent === dir) return fileURLToPath(new URL(`${up}/${marker.split('/')[0]}`, import.meta.url));
    dir = parent;
  }
}
