import type { UserFromGetMe } from 'grammy/types';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type RelaisApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import { loadContent } from '../../src/content/index.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase, rowsOf, type DatabaseHandle } from '../../src/storage/database.js';
import { migrateDatabase } from '../../src/storage/migrate.js';
import { sql } from 'drizzle-orm';
import { FAKE_BOT_INFO, startFakeTelegramApi, telegramUpdates as u, type FakeTelegramApi } from '../support/fake-telegram-api.js';
import { createServerDatabase, dropServerDatabase, NO_SERVER_REASON, serverUrl } from '../support/postgres-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * Telegram accepted a reply, and at that very moment the database goes away for a moment (every
 * connection cut, new ones refused). Recording the send then fails; if the outbox gave up there, the
 * row would stay leased and be sent again when the lease ends: the person would read it twice. The
 * outbox keeps trying to record it while the lease holds, so each reply is delivered once.
 */

const url = await serverUrl();
const SECRET = 'settle-after-cut-secret';

let fake: FakeTelegramApi | undefined;
let proxy: TcpProxy | undefined;
let database: DatabaseHandle | undefined;
let relais: RelaisApp | undefined;
let databaseUrl: string | undefined;
afterAll(async () => {
  await relais?.background.drain();
  await database?.close();
  await proxy?.close();
  await fake?.close();
  if (url && databaseUrl) await dropServerDatabase(url, databaseUrl);
});

describe.skipIf(!url)(`a send recorded while the database is away${url ? '' : ` (${NO_SERVER_REASON})`}`, () => {
  it('is recorded once the database is back, and never sent twice', async () => {
    databaseUrl = await createServerDatabase(url!, 'settle');
    const direct = await openDatabase({ url: databaseUrl, maxConnections: 1 });
    await migrateDatabase(direct);
    await direct.close();

    const target = new URL(databaseUrl);
    proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
    database = await openDatabase({ url: proxy.rewrite(databaseUrl), maxConnections: 4 });
    let cut = false;
    fake = await startFakeTelegramApi({
      // Once Telegram has answered the first reply: cut every connection, refuse new ones for 600 ms.
      onCall: (call) => {
        if (cut || call.method !== 'sendMessage' || !call.ok) return;
        cut = true;
        proxy!.pause();
        proxy!.cutAll();
        setTimeout(() => proxy!.resume(), 600);
      },
    });
    let clockOffsetMs = 0;
    const config = parseConfig({ LOG_LEVEL: 'warn', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url });
    const logs: string[] = [];
    relais = createApp({
      config,
      database,
      content: loadContent(),
      logger: createLogger(config.logLevel, (line) => logs.push(line)),
      now: () => new Date(Date.now() + clockOffsetMs),
      channelOptions: { telegram: { botInfo: FAKE_BOT_INFO as UserFromGetMe } },
    });

    const response = await relais.app.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(u.text(1, 5_550_001, 'asile', 'fr')),
    });
    expect(response.status).toBe(200);
    await relais.background.drain();
    expect(cut, 'the database went away right after a send').toBe(true);
    expect(logs.some((line) => line.includes('outbox.settle_retry')), 'the outbox tried again').toBe(true);

    // Long after every lease has ended, the sweep finds nothing left to send.
    clockOffsetMs += 10 * 60_000;
    await relais.sweep();
    await relais.background.drain();

    const rows = rowsOf<{ status: string; ids: string[] | null }>(
      await database.db.execute(sql`select status, external_ids as ids from outbox order by id`),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'sent'));
    const recorded = rows.flatMap((r) => r.ids ?? []).map(Number).sort((a, b) => a - b);
    const delivered = fake.sent().map((m) => m.messageId).sort((a, b) => a - b);
    expect(delivered).toEqual(recorded);
  }, 60_000);
});
