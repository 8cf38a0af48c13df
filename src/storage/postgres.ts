import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { counted, statementCounter, type DatabaseHandle, type DatabaseStats, type Db } from './database.js';
import { schema } from './schema.js';

/** PostgreSQL through postgres.js: production on Node, and Workers through Hyperdrive. */
/** `stats` lets several clients (one per Worker request) add up in one place. */
export function openPostgres(url: string, maxConnections = 10, stats: DatabaseStats = { statements: 0, transactions: 0 }): DatabaseHandle {
  const client = postgres(url, {
    max: maxConnections,
    onnotice: () => {},
    // Short-lived processes and Workers: do not keep idle sockets forever.
    idle_timeout: 20,
    connect_timeout: 10,
  });
  const db = counted(drizzle(client, { schema, logger: statementCounter(stats) }) as unknown as Db, stats);
  return {
    db,
    driver: 'postgres',
    stats,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.end({ timeout: 5 }),
  };
}
