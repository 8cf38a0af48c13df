import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { counted, statementCounter, type DatabaseHandle, type DatabaseStats, type Db } from './database.js';
import { schema } from './schema.js';

export interface PostgresOptions {
  maxConnections?: number;
  /** Lets several clients (one per Worker request) add up in one place. */
  stats?: DatabaseStats;
  /**
   * Keep each statement prepared on the connection that ran it. drizzle sends every query through
   * `sql.unsafe` without `prepare`, and postgres.js then asks the server for the parameter types first:
   * two round trips per statement. Prepared once per connection, a statement is one round trip from
   * then on. Worth it with a long-lived pool (Node); a Worker's connection lives for one request.
   */
  prepareStatements?: boolean;
}

/** PostgreSQL through postgres.js: production on Node, and Workers through Hyperdrive. */
export function openPostgres(url: string, options: PostgresOptions = {}): DatabaseHandle {
  const { maxConnections = 10, stats = { statements: 0, transactions: 0 }, prepareStatements = false } = options;
  const client = postgres(url, {
    max: maxConnections,
    onnotice: () => {},
    // Short-lived processes and Workers: do not keep idle sockets forever.
    idle_timeout: 20,
    connect_timeout: 10,
    // postgres.js counts failed connections across the whole pool and waits up to 20 s before the next
    // attempt (3^n / 100 s). A restart of PostgreSQL cuts every connection at once, so one blip would
    // hold webhooks for that long after the server is back. Retry within a second or two instead.
    backoff: reconnectDelaySeconds,
  });
  const driver = prepareStatements ? preparing(client) : client;
  const db = counted(drizzle(driver, { schema, logger: statementCounter(stats) }) as unknown as Db, stats);
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

/** 50 ms, doubling, at most 2 s, with jitter so a pool's connections do not retry in step. */
export function reconnectDelaySeconds(failures: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 2);
}

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * The client as drizzle sees it, with `unsafe` asking for prepared statements, in transactions and
 * savepoints too (postgres.js hands those callbacks a client of their own). postgres.js names and caches
 * them per connection and prepares again by itself when a migration invalidates one.
 */
function preparing<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], queryOptions?: object) =>
          target.unsafe(query, parameters as never, { ...queryOptions, prepare: true });
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const callback = args.pop() as (sql: Sql) => unknown;
          return (Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown).call(target, ...args, (inner: Sql) => callback(preparing(inner)));
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
