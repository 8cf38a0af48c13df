import { sql } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../../src/storage/database.js';
import { migrateDatabase } from '../../src/storage/migrate.js';
import { createServerDatabase } from './postgres-server.js';

/**
 * One real database per vitest worker, reset between tests.
 * - default: an in-memory PGlite (starting one takes seconds, so it is shared by the worker's files);
 * - with TEST_DATABASE_URL: a database of its own per worker on that server (`<name>_w<pool id>`),
 *   created fresh and migrated, so parallel workers never see each other's rows.
 */
let shared: Promise<DatabaseHandle> | undefined;

export function testDatabase(): Promise<DatabaseHandle> {
  shared ??= create();
  return shared;
}

/** Empties every table (keeping the schema): call in `beforeEach`. */
export async function resetDatabase(handle: DatabaseHandle): Promise<void> {
  await handle.db.execute(
    sql`truncate table people, conversations, messages, inbound_events, outbox, cases, volunteers, credentials, sign_in_attempts, canned_replies, audit_log, telegram_group, daily_counts restart identity cascade`,
  );
}

/** The database, empty: the usual first line of a test file's `beforeEach`. */
export async function freshDatabase(): Promise<DatabaseHandle> {
  const handle = await testDatabase();
  await resetDatabase(handle);
  return handle;
}

async function create(): Promise<DatabaseHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const handle = await openDatabase({ dataDir: 'memory://' });
    await migrateDatabase(handle);
    return handle;
  }
  const workerUrl = await createServerDatabase(url);
  const handle = await openDatabase({ url: workerUrl, maxConnections: 8 });
  await migrateDatabase(handle);
  return handle;
}

