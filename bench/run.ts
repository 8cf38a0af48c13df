/**
 * `npm run bench`: how many webhook updates per second the Node server turns into committed replies,
 * on PGlite and on PostgreSQL, next to a bare Hono handler doing one INSERT per request in the same run.
 *
 * Everything goes over real HTTP on 127.0.0.1: a load generator → the Node server (@hono/node-server)
 * → the real channel adapters, inbox, engine, database and outbox → local fake Bot API / Graph API
 * servers. Figures are printed, never asserted: this machine is shared and noisy.
 *
 *   npm run bench -- --requests 2000 --concurrency 32 --people 200 [--only pglite|postgres]
 *   BENCH_DATABASE_URL=postgres://… (default: the local test server; skipped if unreachable)
 */
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import { loadContent } from '../src/content/index.js';
import { createLogger } from '../src/logger.js';
import { openDatabase, type DatabaseHandle } from '../src/storage/database.js';
import { migrateDatabase } from '../src/storage/migrate.js';
import { FAKE_BOT_TOKEN, startFakeTelegramApi, telegramUpdates } from '../test/support/fake-telegram-api.js';
import { startFakeGraphApi } from '../test/support/fake-graph-api.js';
import { signedInit, wa, webhookOf, whatsappEnv } from '../test/support/whatsapp-fixtures.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    people: { type: 'string', default: '100' },
    /** Only this database: `pglite` or `postgres`. */
    only: { type: 'string' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const PEOPLE = Number(values.people);
const SECRET = 'bench-secret';
const TEXTS = ['bonjour', 'asile', 'zone d’attente', 'menu', '1', 'avocat', '2', 'frontière', 'mineur', '0'];

interface Result {
  scenario: string;
  database: string;
  requests: number;
  httpPerSecond: number;
  committedPerSecond: number;
  p50: number;
  p99: number;
  replies: number;
  rssMiB: number;
}

async function main() {
  const content = loadContent();
  const results: Result[] = [];
  const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const targets: Array<{ name: string; open: () => Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> }> = [
    {
      name: 'pglite',
      open: async () => {
        const dir = await mkdtemp(join(tmpdir(), 'relais-bench-'));
        const handle = await openDatabase({ dataDir: dir });
        return { handle, cleanup: () => rm(dir, { recursive: true, force: true }) };
      },
    },
    {
      name: 'postgres',
      open: async () => {
        const url = await freshPostgresDatabase(pgUrl, 'relais_bench');
        const handle = await openDatabase({ url, maxConnections: 10 });
        return { handle, cleanup: async () => {} };
      },
    },
  ];

  console.log(
    `Relais bench: ${REQUESTS} requests per scenario, ${CONCURRENCY} in flight, ${PEOPLE} people, Node ${process.version}\n`,
  );
  for (const target of targets) {
    if (values.only && values.only !== target.name) continue;
    let opened;
    try {
      opened = await target.open();
    } catch (error) {
      console.log(`(${target.name} skipped: ${error instanceof Error ? error.message : error})`);
      continue;
    }
    const { handle, cleanup } = opened;
    await migrateDatabase(handle);
    await handle.db.execute(sql`create table if not exists bench_bare (id bigserial primary key, body jsonb not null)`);

    const telegramApi = await startFakeTelegramApi();
    const graphApi = await startFakeGraphApi();
    const config = parseConfig({
      LOG_LEVEL: 'silent',
      TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: telegramApi.url,
      ...whatsappEnv(graphApi.url),
    });
    const relais = createApp({ config, database: handle, content, logger: createLogger('silent') });
    const server = await listen(relais.app.fetch);

    // The baseline: the same framework and database, one INSERT per request, nothing else.
    const bare = new Hono();
    bare.post('/bare', async (c) => {
      await handle.db.execute(sql`insert into bench_bare (body) values (${JSON.stringify(await c.req.json())}::jsonb)`);
      return c.json({ ok: true });
    });
    const bareServer = await listen(bare.fetch);

    const until = async (done: () => Promise<boolean>) => {
      for (let i = 0; i < 6000 && !(await done()); i++) await new Promise((r) => setTimeout(r, 10));
    };
    const settled = async () => {
      const [row] = await handle.db.execute<{ open: number }>(
        sql`select (select count(*) from inbound_events where status = 'received')::int
              + (select count(*) from outbox where status in ('pending', 'sending'))::int as open`,
      ).then(rowsOf<{ open: number }>);
      return Number(row?.open ?? 1) === 0;
    };
    const outboxCount = async () => {
      const [row] = await handle.db.execute(sql`select count(*)::int as n from outbox`).then(rowsOf<{ n: number }>);
      return Number(row?.n ?? 0);
    };

    results.push(
      await scenario('bare Hono + 1 INSERT', target.name, bareServer.url, (i) => ({
        path: '/bare',
        init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i, text: 'x' }) },
      }), async () => true, async () => 0),
    );

    let updateId = 1;
    const tgBefore = await outboxCount();
    results.push(
      await scenario('Telegram webhook', target.name, server.url, (i) => ({
        path: '/webhooks/telegram',
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(telegramUpdates.text(updateId++, 10_000 + (i % PEOPLE), TEXTS[i % TEXTS.length]!, 'fr')),
        },
      }), () => until(settled), async () => (await outboxCount()) - tgBefore),
    );

    const waBefore = await outboxCount();
    results.push(
      await scenario('WhatsApp webhook', target.name, server.url, (i) => ({
        path: '/webhooks/whatsapp',
        init: signedInit(webhookOf(wa.text({ waId: `3361234${String(i % PEOPLE).padStart(4, '0')}` }, TEXTS[i % TEXTS.length]!))),
      }), () => until(settled), async () => (await outboxCount()) - waBefore),
    );

    await relais.background.drain();
    await Promise.all([close(server.server), close(bareServer.server), telegramApi.close(), graphApi.close()]);
    await handle.close();
    await cleanup();
  }

  const header = ['scenario', 'database', 'requests', 'HTTP req/s', 'committed updates/s', 'p50 ms', 'p99 ms', 'replies', 'RSS MiB'];
  const rows = results.map((r) => [
    r.scenario,
    r.database,
    String(r.requests),
    r.httpPerSecond.toFixed(0),
    r.committedPerSecond.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.replies),
    r.rssMiB.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(
    '\nHTTP req/s: webhook answers per second. committed updates/s: updates fully applied (state, transcript,\n' +
      'outbox committed, replies delivered to the fake platform) per second, from first request to last reply.\n' +
      'p50/p99: webhook response latency.',
  );
}

async function scenario(
  name: string,
  database: string,
  base: string,
  make: (i: number) => { path: string; init: RequestInit },
  waitCommitted: () => Promise<unknown>,
  countReplies: () => Promise<number>,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      const { path, init } = make(next++);
      const t0 = performance.now();
      const res = await fetch(base + path, init);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (!res.ok) throw new Error(`${name}: ${path} answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const httpDone = performance.now();
  await waitCommitted();
  const allDone = performance.now();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    scenario: name,
    database,
    requests: REQUESTS,
    httpPerSecond: (REQUESTS / (httpDone - started)) * 1000,
    committedPerSecond: (REQUESTS / (allDone - started)) * 1000,
    p50: pick(0.5),
    p99: pick(0.99),
    replies: await countReplies(),
    rssMiB: process.memoryUsage().rss / 1024 / 1024,
  };
}

function listen(fetchHandler: (req: Request) => Response | Promise<Response>): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server, url: `http://127.0.0.1:${info.port}` }),
    );
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** postgres.js returns an array of rows, PGlite `{ rows }`: the bench reads either. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function freshPostgresDatabase(url: string, name: string): Promise<string> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

await main();
process.exit(0);
