import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle, DatabaseStats, Db } from './database.js';
import { openPostgres } from './postgres.js';

/**
 * A database for Workers: the app (and everything it built: routes, channels, the bot's identity) is
 * kept for the isolate's life, but a database connection may only be used by the request that opened
 * it. So `db` here stands for the connection of the request being served: `scope(run)` opens a
 * postgres.js client for one request (Hyperdrive pools the real connections behind it), and every use
 * of `db` inside `run` — including work the request deferred with `waitUntil` — goes to that client.
 */
export interface RequestScopedDatabase extends DatabaseHandle {
  /** Runs `run` with its own connection; `close` ends it (after the deferred work). */
  scope<T>(run: () => Promise<T>): { result: Promise<T>; close: () => Promise<void> };
}

export function openRequestScopedPostgres(url: string, maxConnections = 5): RequestScopedDatabase {
  const current = new AsyncLocalStorage<DatabaseHandle>();
  const stats: DatabaseStats = { statements: 0, transactions: 0 };
  const handle = (): DatabaseHandle => {
    const scoped = current.getStore();
    if (!scoped) throw new Error('the database was used outside a request (Workers: wrap the work in scope())');
    return scoped;
  };
  // Every property of `db` is the current request's: methods bound to its drizzle instance.
  const db = new Proxy({} as Db, {
    get(_target, property) {
      const real = handle().db;
      const value = Reflect.get(real, property, real) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
  });
  return {
    db,
    driver: 'postgres',
    stats,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {},
    scope(run) {
      const opened = openPostgres(url, { maxConnections, stats });
      return { result: current.run(opened, run), close: () => opened.close() };
    },
  };
}
