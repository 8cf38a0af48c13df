import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type DatabaseHandle } from '../../src/storage/database.js';
import { migrateDatabase } from '../../src/storage/migrate.js';
import { reconnectDelaySeconds } from '../../src/storage/postgres.js';
import { people } from '../../src/storage/schema.js';
import { createServerDatabase, dropServerDatabase, NO_SERVER_REASON, serverUrl } from '../support/postgres-server.js';

/**
 * The Node pool keeps drizzle's statements prepared on each connection, in and out of transactions,
 * so a statement run again costs one round trip (Bind/Execute) instead of two (Parse/Describe, then
 * Bind/Execute). PostgreSQL lists a session's prepared statements in `pg_prepared_statements`.
 */

const url = await serverUrl();
let handle: DatabaseHandle | undefined;
let databaseUrl: string | undefined;
afterAll(async () => {
  await handle?.close();
  if (url && databaseUrl) await dropServerDatabase(url, databaseUrl);
});

describe.skipIf(!url)(`prepared statements on PostgreSQL${url ? '' : ` (${NO_SERVER_REASON})`}`, () => {
  it('prepares a statement once per connection and reuses it, in transactions too', async () => {
    databaseUrl = await createServerDatabase(url!, 'prepared');
    // One connection, so every statement below runs in the same session.
    handle = await openDatabase({ url: databaseUrl, maxConnections: 1 });
    await migrateDatabase(handle);
    const { db } = handle;
    const prepared = async () =>
      rowsOf<{ statement: string }>(await db.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);

    const find = (key: string) => db.select({ id: people.id }).from(people).where(eq(people.externalKey, key));
    await find('a');
    await find('b');
    await db.transaction(async (tx) => {
      await tx.select({ id: people.id }).from(people).where(eq(people.externalKey, 'c'));
    });
    const statements = (await prepared()).filter((s) => s.includes('"people"'));
    // The same text each time (the key is a parameter): prepared once, reused by the transaction.
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('where "people"."external_key" = $1');
  });
});

describe('reconnecting', () => {
  it('waits at most two seconds between attempts, however many connections failed', () => {
    const delays = Array.from({ length: 40 }, (_, failures) => reconnectDelaySeconds(failures));
    expect(Math.max(...delays)).toBeLessThanOrEqual(2);
    expect(reconnectDelaySeconds(0)).toBeLessThan(0.06);
  });
});
