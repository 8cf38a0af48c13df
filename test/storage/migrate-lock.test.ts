import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/storage/database.js';
import { migrateDatabase, MIGRATIONS_FOLDER } from '../../src/storage/migrate.js';
import { createServerDatabase, dropServerDatabase, NO_SERVER_REASON, serverUrl } from '../support/postgres-server.js';

/**
 * Several instances starting at once on a fresh PostgreSQL database each migrate it: with the
 * advisory lock they take turns, so all succeed and each migration is applied once. (Without it,
 * all but one fail on "already exists" or a duplicate key in the catalog.)
 */

const url = await serverUrl();
const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};

const handles: DatabaseHandle[] = [];
let databaseUrl: string | undefined;
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  if (url && databaseUrl) await dropServerDatabase(url, databaseUrl);
});

describe.skipIf(!url)(`concurrent migrations${url ? '' : ` (${NO_SERVER_REASON})`}`, () => {
  it('four instances migrating one fresh database at once all succeed, each migration applied once', async () => {
    databaseUrl = await createServerDatabase(url!, 'migrate');
    // Separate clients, as separate processes would have; one with a single connection, as
    // `npm run db:migrate` opens it (the lock then goes through the pool itself).
    for (const maxConnections of [4, 4, 4, 1]) {
      const handle = await openDatabase({ url: databaseUrl, maxConnections });
      await handle.ping(); // connected before the race starts, so they really start together
      handles.push(handle);
    }

    const results = await Promise.allSettled(handles.map((h) => migrateDatabase(h)));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);

    const { default: postgres } = await import('postgres');
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const applied = await sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations`;
      expect(applied).toHaveLength(journal.entries.length);
      expect(new Set(applied.map((r) => r.hash)).size).toBe(journal.entries.length);
      const [tables] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_tables where schemaname = 'public' and tablename in ('people', 'outbox', 'inbound_events')`;
      expect(tables!.n).toBe(3);
      // Every instance released the lock.
      const [locks] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
        where l.locktype = 'advisory' and d.datname = current_database()`;
      expect(locks!.n).toBe(0);
    } finally {
      await sql.end();
    }

    // And a later start finds nothing to do.
    await migrateDatabase(handles[0]!);
  });
});
