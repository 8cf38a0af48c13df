/**
 * What the bench asks of PostgreSQL itself, outside the servers measured: a fresh database per run,
 * its commit counter, the backends serving it, and (for Relais) whether any work is left. All of it
 * through connections that do not pass the counting proxy.
 */
import postgres from 'postgres';
import { onCleanup, sleep } from './processes.js';

export type Sql = postgres.Sql;

/** The admin connection, on the database of BENCH_DATABASE_URL; throws if PostgreSQL cannot be reached. */
export async function connectAdmin(url: string): Promise<Sql> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 3, fetch_types: false, prepare: false });
  await sql`select 1`;
  return sql;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The same URL through the proxy listening on 127.0.0.1:`port`. */
export function throughProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

let created = 0;

/**
 * A database created for one run, dropped after it (and at exit if the run fails). The name carries the
 * bench's pid, so databases left by a bench that was killed outright can be recognised and dropped.
 */
export async function freshDatabase(admin: Sql): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `relais_bench_${process.pid}_${++created}`;
  await admin.unsafe(`create database "${name}"`);
  const drop = async () => {
    unregister();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  };
  const unregister = onCleanup(drop);
  return { name, drop };
}

/** Drops bench databases whose bench process is gone (a `kill -9` leaves them behind). */
export async function dropOrphans(admin: Sql): Promise<string[]> {
  const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'relais\\_bench\\_%'`;
  const dropped: string[] = [];
  for (const { datname } of rows) {
    const pid = Number(/^relais_bench_(\d+)_/.exec(datname)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    dropped.push(datname);
  }
  return dropped;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Committed and rolled-back transactions of one database, as PostgreSQL's statistics have them. */
export async function transactionCounts(admin: Sql, name: string): Promise<{ commits: number; rollbacks: number }> {
  const [row] = await admin<{ commits: string; rollbacks: string }[]>`
    select xact_commit::text as commits, xact_rollback::text as rollbacks from pg_stat_database where datname = ${name}`;
  return { commits: Number(row?.commits ?? NaN), rollbacks: Number(row?.rollbacks ?? NaN) };
}

/** Pids of the backends connected to a database (the servers' pools). */
export async function backendPids(admin: Sql, name: string): Promise<number[]> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name}`;
  return rows.map((r) => r.pid);
}

/**
 * Waits until no backend serves the database. A backend flushes its statistics when it exits, so after
 * this `pg_stat_database` holds every transaction the run made.
 */
export async function waitNoBackends(admin: Sql, name: string, timeoutMs = 20_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await backendPids(admin, name)).length === 0) return true;
    await sleep(50);
  }
  return false;
}

/**
 * A connection to the run's database for the bench's own checks. Each of its queries is a transaction
 * PostgreSQL counts in that database, as is opening it: `transactions` says how many to subtract.
 */
export function probe(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false, prepare: false });
  let opened = false;
  let queries = 0;
  return {
    async query<T extends object>(text: string): Promise<T[]> {
      opened = true;
      queries += 1;
      return (await sql.unsafe(text)) as unknown as T[];
    },
    /** Transactions this probe made in the database: one per query, one for the connection's start. */
    get transactions() {
      return queries + (opened ? 1 : 0);
    },
    end: () => sql.end({ timeout: 5 }),
  };
}
export type Probe = ReturnType<typeof probe>;

/** Relais's work still open: events not yet applied, replies not yet delivered. */
export const OPEN_WORK_SQL = `select
  (select count(*) from inbound_events where status = 'received')::int as inbound,
  (select count(*) from outbox where status in ('pending', 'sending'))::int as outbox`;

/** Relais's end state, by status: what was applied, delivered, failed or held. */
export const END_STATE_SQL = `select 'inbound_events' as tbl, status, count(*)::int as n from inbound_events group by status
  union all select 'outbox', status, count(*)::int from outbox group by status`;
