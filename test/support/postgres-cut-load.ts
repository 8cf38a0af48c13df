/**
 * A child process for test/postgres-connection-cut.test.ts: postgres.js, through a TCP proxy, under a
 * load of small concurrent queries, transactions and reserved connections, while the proxy resets
 * every connection again and again.
 *
 * Why a child process: the defect it guards against (postgres.js 3.4.9 writing to a null socket from a
 * `setImmediate`) is an uncaught exception. In a vitest worker that is caught by vitest's own handler
 * and reported against whichever test happens to run, or kills the worker; here it simply ends this
 * process with exit code 1 and the TypeError on stderr, which the test asserts on precisely. It also
 * loads `postgres` exactly as production does (plain Node ESM → `src/`, or `require` → `cjs/src/`).
 *
 * Environment: CUT_DATABASE_URL (required), CUT_BUILD=esm|cjs, CUT_ROUNDS, CUT_CONCURRENCY, CUT_HANG_MS
 * (how long a pending query may wait before it counts as hung; 15 s).
 * Prints one JSON line (the report) on stdout; exit 0 when every query resolved with its own value or
 * rejected with a connection error, none hung, and queries worked again afterwards; 2 otherwise.
 * Logs no query text beyond the counters.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type postgresType from 'postgres';
import { startTcpProxy } from './tcp-proxy.js';

type Postgres = typeof postgresType;

const url = process.env.CUT_DATABASE_URL;
if (!url) {
  console.error('CUT_DATABASE_URL is required');
  process.exit(2);
}
const build = process.env.CUT_BUILD === 'cjs' ? 'cjs' : 'esm';
const rounds = Number(process.env.CUT_ROUNDS ?? 12);
const concurrency = Number(process.env.CUT_CONCURRENCY ?? 60);
/** A query still pending this long after its round is a hang (the real failure mode of a bad fix). */
const HANG_MS = Number(process.env.CUT_HANG_MS ?? 15_000);

/** Errors that mean "the connection went away": the caller can retry; nothing else is acceptable. */
const CONNECTION_ERRORS = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // PostgreSQL itself: the backend saw its client vanish mid-transaction or was terminated.
  '57P01',
  '08006',
  '08003',
]);

const postgres: Postgres =
  build === 'cjs'
    ? (createRequire(import.meta.url)('postgres') as Postgres)
    : ((await import('postgres')) as { default: Postgres }).default;

const proxy = await startTcpProxy({ targetHost: new URL(url).hostname, targetPort: Number(new URL(url).port || 5432) });
const sql = postgres(proxy.rewrite(url), {
  max: 8,
  onnotice: () => {},
  connect_timeout: 5,
  // Reconnect at once: the test is about what happens around the cut, not about waiting.
  backoff: () => 0.01,
});

const report = {
  build,
  rounds,
  concurrency,
  cuts: 0,
  connectionsCut: 0,
  resolved: 0,
  rejected: {} as Record<string, number>,
  wrongValues: 0,
  unexpected: [] as string[],
  hung: 0,
  afterwards: 'not run' as string,
};

type Outcome = { ok: true; value: unknown; expected: unknown } | { ok: false; error: unknown } | { hung: true };

async function settle(promise: Promise<unknown>, expected: unknown): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ hung: true }), HANG_MS);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Outcome => ({ ok: true, value, expected }),
        (error: unknown): Outcome => ({ ok: false, error }),
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function record(outcome: Outcome) {
  if ('hung' in outcome) {
    report.hung++;
    return;
  }
  if (outcome.ok) {
    if (outcome.value === outcome.expected) report.resolved++;
    else report.wrongValues++;
    return;
  }
  const code = (outcome.error as { code?: unknown })?.code;
  const key = typeof code === 'string' ? code : 'no code';
  if (CONNECTION_ERRORS.has(key)) {
    report.rejected[key] = (report.rejected[key] ?? 0) + 1;
  } else if (report.unexpected.length < 20) {
    const error = outcome.error as Error;
    report.unexpected.push(`${key}: ${error?.name ?? ''} ${error?.message ?? String(error)}`.slice(0, 300));
  }
}

/** One unit of work, of three shapes drizzle and the app use: a query, a transaction, a reserved connection. */
function work(i: number): Promise<Outcome> {
  switch (i % 4) {
    case 0:
    case 1:
      return settle(
        sql`select ${i}::int as n`.then((rows) => rows[0]?.n),
        i,
      );
    case 2:
      return settle(
        sql.begin(async (tx) => {
          await tx`select pg_sleep(0.001)`;
          const [row] = await tx`select ${i}::int as n`;
          return row?.n;
        }),
        i,
      );
    default:
      return settle(
        (async () => {
          const reserved = await sql.reserve();
          try {
            await reserved`select 1`;
            const [row] = await reserved`select ${i}::int as n`;
            return row?.n;
          } finally {
            reserved.release();
          }
        })(),
        i,
      );
  }
}

for (let round = 0; round < rounds; round++) {
  const outcomes = Array.from({ length: concurrency }, (_, k) => work(round * concurrency + k));
  // Cut while queries are on the wire: after a few milliseconds (connections are open or opening),
  // and a second time in some rounds, to hit reconnecting connections too.
  await sleep(2 + (round % 5) * 3);
  report.cuts++;
  report.connectionsCut += proxy.cutAll();
  if (round % 3 === 2) {
    await sleep(1);
    report.cuts++;
    report.connectionsCut += proxy.cutAll();
  }
  for (const outcome of await Promise.all(outcomes)) record(outcome);
}

// The proxy is healthy again: the same client must serve queries normally (no poisoned connection).
const after = await Promise.all(Array.from({ length: 40 }, (_, i) => work(100_000 + i)));
const afterFailures = after.filter((o) => !('ok' in o) || !o.ok || o.value !== o.expected).length;
report.afterwards = afterFailures === 0 ? 'ok' : `${afterFailures} of 40 failed`;

await sql.end({ timeout: 5 });
await proxy.close();

console.log(JSON.stringify(report));
const good = report.unexpected.length === 0 && report.hung === 0 && report.wrongValues === 0 && afterFailures === 0;
process.exit(good ? 0 : 2);
