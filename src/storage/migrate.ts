import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import type { DatabaseHandle } from './database.js';

/**
 * The committed drizzle-kit migrations: `drizzle/` at the project's root, found from wherever this
 * code runs (the TypeScript sources in development, the compiled `dist/node/` in production).
 */
export const MIGRATIONS_FOLDER = findUp('drizzle/meta/_journal.json', '../..');

/**
 * The advisory lock that serialises migrations between instances ("relais_m" in ASCII): any fixed
 * 64-bit key works, as long as every instance uses the same one and nothing else does.
 */
export const MIGRATION_LOCK_KEY = '8243114939432124269';

/** Applies every pending migration in `drizzle/` (Node only: Workers are migrated by `npm run db:migrate`). */
export async function migrateDatabase(handle: DatabaseHandle, folder = MIGRATIONS_FOLDER): Promise<void> {
  if (handle.driver === 'pglite') {
    // One process owns a PGlite database: nothing to serialise.
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: folder });
  } else {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await withMigrationLock(handle, () => migrate(handle.db as never, { migrationsFolder: folder }));
  }
}

/**
 * Several instances starting at once (a deploy, an autoscaler) would each read "nothing applied yet"
 * and run the same migration: the first wins, the others fail on "already exists" (even drizzle's own
 * `create schema if not exists` races). Each takes the session-level advisory lock first, so they run
 * one after the other and the later ones find nothing left to do.
 *
 * A session lock belongs to one connection: taking it through the pool and releasing it through
 * whichever connection comes next would not release it. So the lock is held on a reserved connection
 * while drizzle's migrator (whose statements we do not control) runs on the rest of the pool, and
 * released on that same connection. A pool of one connection (`npm run db:migrate`) cannot reserve
 * its only connection and still migrate: there the pool *is* the session, so the lock goes through it.
 * If the lock's connection drops, PostgreSQL releases the lock; the migrator's own transaction still
 * keeps each run all-or-nothing.
 */
async function withMigrationLock(handle: DatabaseHandle, run: () => Promise<void>): Promise<void> {
  // drizzle's documented handle on the driver it wraps.
  const client = (handle.db as unknown as { $client: Sql }).$client;
  if (client.options.max < 2) {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    try {
      await run();
    } finally {
      await unlock(client);
    }
    return;
  }
  const session = await client.reserve();
  try {
    await session`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    try {
      await run();
    } finally {
      await unlock(session);
    }
  } finally {
    session.release();
  }
}

async function unlock(sql: Sql): Promise<void> {
  // If this fails the connection is gone, and its lock with it: nothing more to release.
  await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`.catch(() => {});
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
