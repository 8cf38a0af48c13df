// The ceiling of `npm run bench`: the same framework and driver Relais uses (Hono on
// @hono/node-server, postgres.js or PGlite) doing the least a webhook receiver can do that is durable:
// one INSERT of the body, then 200. Plain JavaScript, no TypeScript loader in memory, so that its RSS
// is comparable with Relais's compiled server.
//
//   PORT=… DATABASE_URL=postgres://…   node bench/bare-server.mjs   (a pool of 32 connections)
//   PORT=… DATA_DIR=/tmp/…             node bench/bare-server.mjs   (PGlite in DATA_DIR/pglite)
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const port = Number(process.env.PORT);
const CREATE = 'create table if not exists bench_bare (id bigserial primary key, body jsonb not null)';

let insert;
let close;
if (process.env.DATABASE_URL) {
  const { default: postgres } = await import('postgres');
  const sql = postgres(process.env.DATABASE_URL, { max: 32, onnotice: () => {} });
  await sql.unsafe(CREATE);
  insert = (body) => sql`insert into bench_bare (body) values (${body}::jsonb)`;
  close = () => sql.end({ timeout: 5 });
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = join(process.env.DATA_DIR, 'pglite');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  await db.exec(CREATE);
  insert = (body) => db.query('insert into bench_bare (body) values ($1::jsonb)', [body]);
  close = () => db.close();
}

const app = new Hono();
app.post('/', async (c) => {
  await insert(await c.req.text());
  return c.json({ ok: true });
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });

// A clean stop closes the database (PGlite writes its files), so the bench can count the rows after.
process.on('SIGTERM', () => {
  server.close(async () => {
    await close();
    process.exit(0);
  });
  server.closeIdleConnections?.();
});
