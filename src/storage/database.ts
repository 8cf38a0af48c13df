import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { schema } from './schema.js';

/** The drizzle database, whichever driver is behind it. Repositories take this, never a driver. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction or the database itself: repositories accept either. */
export type DbOrTx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

/** The rows of `db.execute(sql…)`: postgres.js gives an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** What this process asked of the database since it opened it (for `/metrics` and the bench). */
export interface DatabaseStats {
  statements: number;
  transactions: number;
}

export interface DatabaseHandle {
  db: Db;
  driver: 'pglite' | 'postgres';
  readonly stats: DatabaseStats;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL: use postgres.js. Without it, the embedded PGlite in `dataDir`. */
  url?: string;
  /** PGlite folder; `memory://` keeps everything in memory (tests). */
  dataDir?: string;
  /** Connections in the postgres.js pool. */
  maxConnections?: number;
}

/**
 * Opens the database: postgres.js when a URL is given, PGlite otherwise. Drivers are imported lazily so
 * the Node server never loads the driver it does not use; the Worker imports `openPostgres` directly
 * so its bundle never carries PGlite.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.url, { maxConnections: options.maxConnections, prepareStatements: true });
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dataDir, { recursive: true });
  }
  const client = await PGlite.create(dataDir);
  const stats: DatabaseStats = { statements: 0, transactions: 0 };
  const db = counted(drizzle(client, { schema, logger: statementCounter(stats) }) as unknown as Db, stats);
  return {
    db,
    driver: 'pglite',
    stats,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/** A drizzle logger that only counts: every statement drizzle sends goes through `logQuery`. */
export function statementCounter(stats: DatabaseStats): { logQuery(): void } {
  return {
    logQuery() {
      stats.statements++;
    },
  };
}

/** Counts transactions too: drizzle logs the statements inside one, not its BEGIN and COMMIT. */
export function counted(db: Db, stats: DatabaseStats): Db {
  const transaction = db.transaction.bind(db);
  db.transaction = ((run, config) => {
    stats.transactions++;
    return transaction(run, config);
  }) as Db['transaction'];
  return db;
}
