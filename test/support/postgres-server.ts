/**
 * For the tests that need a real PostgreSQL server whatever the suite runs on (connection cuts
 * through a proxy, concurrent migrations: PGlite has neither sockets nor other processes).
 *
 * The server is TEST_DATABASE_URL's when it is set (as in test/support/database.ts); otherwise the
 * local default, postgres://postgres@127.0.0.1:5432/test, if it answers within two seconds. Without
 * either, `serverUrl()` resolves to undefined and the caller skips, saying why.
 */
export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Why the PostgreSQL-only tests are skipped, for their titles. */
export const NO_SERVER_REASON = 'skipped: no PostgreSQL (set TEST_DATABASE_URL, or run one on 127.0.0.1:5432)';

let probed: Promise<string | undefined> | undefined;

export function serverUrl(): Promise<string | undefined> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<string | undefined> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const { default: postgres } = await import('postgres');
  const sql = postgres(DEFAULT_SERVER_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return DEFAULT_SERVER_URL;
  } catch {
    return undefined;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * A fresh, empty database of its own on the server: `<base>_<suffix>_w<pool id>` (so parallel
 * workers never meet; without a suffix, `<base>_w<pool id>` is the worker's database of
 * test/support/database.ts). Returns its URL.
 */
export async function createServerDatabase(url: string, suffix?: string): Promise<string> {
  const { default: postgres } = await import('postgres');
  const base = new URL(url);
  const name = [base.pathname.replace(/^\//, '') || 'test', suffix, `w${process.env.VITEST_POOL_ID ?? '0'}`].filter(Boolean).join('_');
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

/** Drops a database made by `createServerDatabase` (best effort: the next run drops it anyway). */
export async function dropServerDatabase(url: string, databaseUrl: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const name = new URL(databaseUrl).pathname.replace(/^\//, '');
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } catch {
    // Left for the next run's `drop … if exists`.
  } finally {
    await admin.end();
  }
}
