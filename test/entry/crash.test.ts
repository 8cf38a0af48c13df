import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterEach, describe, expect } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { outbox } from '../../src/storage/schema.js';
import { failures, telegramUpdates as u } from '../support/fake-telegram-api.js';
import { createServerDatabase } from '../support/postgres-server.js';
import { test } from '../support/fixtures.js';
import { startRelaisProcess, type RelaisProcess } from '../support/process.js';

/**
 * kill -9 of a real server between the commit of the replies and their delivery: the replies were
 * committed with the state change, so a new process delivers each of them — once, in order.
 */

const SECRET = 'crash-secret';
const running: RelaisProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop();
  while (cleanups.length) await cleanups.pop()!();
});

describe('a crash between commit and delivery', () => {
  test('kill -9 while the replies are being sent: a new process delivers every reply exactly once, in order', async ({ telegramApi }) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'relais-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const databaseUrl = process.env.TEST_DATABASE_URL
      ? await createServerDatabase(process.env.TEST_DATABASE_URL, 'crash')
      : undefined;
    const env = {
      TELEGRAM_BOT_TOKEN: telegramApi.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: telegramApi.url,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
      OUTBOX_LEASE_SECONDS: '2',
      OUTBOX_SWEEP_INTERVAL_MS: '200',
    };
    // Telegram never answers the first sends: they are in flight when the process dies.
    telegramApi.failNext('sendMessage', ...Array.from({ length: 200 }, () => failures.stall()));

    const first = await startRelaisProcess(env);
    running.push(first);
    await first.healthy();
    const chats = [81_001, 81_002, 81_003, 81_004, 81_005];
    let updateId = 1;
    for (const chat of chats) {
      for (const text of ['asile', 'menu']) {
        const response = await fetch(`${first.url}/webhooks/telegram`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(u.text(updateId++, chat, text, 'fr')),
        });
        expect(response.status).toBe(200);
      }
    }
    // Wait until sends are in flight (committed, being delivered: each delivery round hangs on its
    // first send, four rounds at a time), then kill -9.
    const inFlight = () => telegramApi.calls.filter((c) => c.method === 'sendMessage').length;
    for (let i = 0; i < 300 && inFlight() < 4; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(inFlight()).toBeGreaterThanOrEqual(4);
    expect(telegramApi.sent()).toEqual([]);
    await first.stop('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');

    // Telegram is back; a new process starts on the same database.
    telegramApi.reset();
    const second = await startRelaisProcess(env);
    running.push(second);
    await second.healthy();
    // The leases of the rows in flight expire; the sweep sends everything.
    const expectedPerChat = async () => {
      const handle = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: join(dataDir, 'pglite') });
      try {
        return await handle.db.select().from(outbox).orderBy(asc(outbox.id));
      } finally {
        await handle.close();
      }
    };
    for (let i = 0; i < 200; i++) {
      const sent = telegramApi.sent();
      // Every chat got the same conversation (same two messages): wait for all of them.
      const perChat = chats.map((chat) => sent.filter((m) => m.chatId === String(chat)).length);
      if (perChat.every((n) => n > 0 && n === perChat[0]) && i > 20) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await second.stop('SIGTERM');

    const rows = await expectedPerChat();
    expect(rows.length).toBeGreaterThan(chats.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // Exactly once: one accepted send per reply (each of these replies is a single message).
    const sent = telegramApi.sent();
    expect(sent.length).toBe(rows.length);
    const firstChat = sent.filter((m) => m.chatId === String(chats[0])).map((m) => m.text);
    for (const chat of chats.slice(1)) expect(sent.filter((m) => m.chatId === String(chat)).map((m) => m.text)).toEqual(firstChat);
  }, 60_000);
});
