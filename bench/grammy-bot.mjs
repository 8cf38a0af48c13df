// The reference of `npm run bench`: a grammY bot written the way grammY's documentation shows it, with
// nothing tuned. A webhook through `webhookCallback(bot, 'hono')`, sessions in PostgreSQL through
// @grammyjs/storage-psql over a `pg` pool of 32 connections, and on every text message a session counter
// incremented and the reply sent inline with `await ctx.reply(…)` (to the fake Bot API). Plain
// JavaScript, no TypeScript loader in memory, so that its RSS is comparable with Relais's compiled server.
//
//   PORT=… DATABASE_URL=postgres://… TELEGRAM_BOT_TOKEN=… TELEGRAM_WEBHOOK_SECRET=… TELEGRAM_API_ROOT=…
//   node bench/grammy-bot.mjs
import { serve } from '@hono/node-server';
import { PsqlAdapter } from '@grammyjs/storage-psql';
import { Bot, session, webhookCallback } from 'grammy';
import { Hono } from 'hono';
import pg from 'pg';

const client = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 32 });

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN, { client: { apiRoot: process.env.TELEGRAM_API_ROOT } });
bot.use(
  session({
    initial: () => ({ messages: 0 }),
    storage: await PsqlAdapter.create({ tableName: 'sessions', client }),
  }),
);
bot.on('message:text', async (ctx) => {
  ctx.session.messages += 1;
  await ctx.reply(`Message n° ${ctx.session.messages} bien reçu : « ${ctx.message.text} ». Un bénévole vous répondra.`);
});

const app = new Hono();
app.post('/webhook', webhookCallback(bot, 'hono', { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET }));

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });

process.on('SIGTERM', () => {
  server.close(async () => {
    await client.end();
    process.exit(0);
  });
  server.closeIdleConnections?.();
});
