import type { UserFromGetMe } from 'grammy/types';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type RelaisApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import { loadContent } from '../../src/content/index.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase, type DatabaseHandle } from '../../src/storage/database.js';
import { migrateDatabase } from '../../src/storage/migrate.js';
import { FAKE_BOT_INFO, startFakeTelegramApi, telegramUpdates as u, type FakeTelegramApi } from '../support/fake-telegram-api.js';
import { createServerDatabase, dropServerDatabase, NO_SERVER_REASON, serverUrl } from '../support/postgres-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * The whole app on PostgreSQL reached through a proxy that cuts every database connection, several
 * times, in the middle of a burst of Telegram webhooks from many people (and refuses connections for
 * a moment, as a restarting server does). What must hold, as Telegram sees it and as the people do:
 * - the process survives, and every webhook is answered 2xx or 5xx: never a hang;
 * - once the database is reachable again, Telegram redelivers what got a 5xx and the sweep runs:
 *   every update is then processed exactly once, and every reply is delivered exactly once (each
 *   `sendMessage` the fake Bot API accepted is recorded on exactly one outbox row, none twice).
 * It drives only the public surface (`app.request`, `sweep`, the fake Bot API), on a database of
 * its own on the server, so it survives refactoring of the app's insides.
 */

const url = await serverUrl();
const SECRET = 'webhook-secret_cut_0123456789';
const PEOPLE = 24;
const TEXTS = ['/start', 'bonjour', 'merci', '/start'];
/** Far longer than any answer takes here: a webhook still unanswered after this has hung. */
const HANG_MS = 20_000;

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

type Status = number | 'hang';

describe.skipIf(!url)(`Telegram webhooks while the database connections are cut${url ? '' : ` (${NO_SERVER_REASON})`}`, () => {
  it('answers every webhook 2xx or 5xx, then processes each update and delivers each reply exactly once', async () => {
    databaseUrl = await createServerDatabase(url!, 'cut');
    const direct = await openDatabase({ url: databaseUrl, maxConnections: 2 });
    await migrateDatabase(direct);
    await direct.close();

    const target = new URL(databaseUrl);
    proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
    database = await openDatabase({ url: proxy.rewrite(databaseUrl), maxConnections: 8 });
    fake = await startFakeTelegramApi();
    let clockOffsetMs = 0;
    const config = parseConfig({
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    });
    const logs: string[] = [];
    relais = createApp({
      config,
      database,
      content: loadContent(),
      logger: createLogger(config.logLevel, (line) => logs.push(line)),
      now: () => new Date(Date.now() + clockOffsetMs),
      channelOptions: { telegram: { botInfo: FAKE_BOT_INFO as UserFromGetMe } },
    });
    const app = relais.app;

    const post = async (update: unknown): Promise<Status> => {
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), HANG_MS)));
      const answered = Promise.resolve(
        app.request('/webhooks/telegram', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(update),
        }),
      ).then((response) => response.status);
      try {
        return await Promise.race([answered, hang]);
      } finally {
        clearTimeout(timer);
      }
    };

    // Each person writes in order (Telegram waits for a chat's answer before its next update); the
    // people write at the same time.
    const chats = Array.from({ length: PEOPLE }, (_, p) => 871_000 + p);
    let nextUpdateId = 910_000;
    const updates = chats.map((chat) => TEXTS.map((text) => u.text(nextUpdateId++, chat, text, 'fr')));
    const total = PEOPLE * TEXTS.length;
    const first = new Map<number, Status>();

    // The cuts follow the burst's progress, so they land while it runs whatever the machine's speed;
    // the second one also refuses connections for a moment (a server restarting).
    const cutAt = [0.1, 0.35, 0.6].map((f) => Math.floor(total * f));
    let answered = 0;
    let connectionsCut = 0;
    const cuts: Promise<void>[] = [];
    const progress = () => {
      answered++;
      if (!cutAt.includes(answered)) return;
      const refusing = answered === cutAt[1];
      if (refusing) proxy!.pause();
      connectionsCut += proxy!.cutAll();
      if (refusing) cuts.push(new Promise((resolve) => setTimeout(() => (proxy!.resume(), resolve()), 150)));
    };

    await Promise.all(
      updates.map(async (mine) => {
        for (const update of mine) {
          first.set(update.update_id, await post(update));
          progress();
        }
      }),
    );
    await Promise.all(cuts);

    const statuses = [...first.values()];
    expect(statuses.filter((s) => s === 'hang'), 'no webhook hung').toEqual([]);
    expect(
      statuses.filter((s) => typeof s === 'number' && !((s >= 200 && s < 300) || (s >= 500 && s < 600))),
      'every webhook answered 2xx or 5xx',
    ).toEqual([]);
    expect(connectionsCut, 'the cuts hit live database connections').toBeGreaterThan(0);

    // The network is healthy again. Telegram redelivers each update that got a 5xx (in each chat's
    // order) until it gets a 2xx.
    await relais.background.drain();
    const latest = new Map(first);
    for (let round = 0; round < 5; round++) {
      const failed = updates.map((mine) => mine.filter((update) => latest.get(update.update_id) !== 200));
      if (failed.every((list) => list.length === 0)) break;
      await Promise.all(
        failed.map(async (list) => {
          for (const update of list) latest.set(update.update_id, await post(update));
        }),
      );
      await relais.background.drain();
    }
    expect([...latest.values()].filter((s) => s !== 200), 'every update accepted in the end').toEqual([]);

    // The sweep finishes what the cuts interrupted. The clock moves past the outbox's lease and
    // back-off, as the minutes would in production.
    clockOffsetMs += 10 * 60_000;
    for (let round = 0; round < 5; round++) {
      const report = await relais.sweep();
      await relais.background.drain();
      if (report.inboundPeople === 0 && report.delivery.sent + report.delivery.retried === 0) break;
    }

    // Read the outcome directly (not through the proxy).
    const { default: postgres } = await import('postgres');
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const events = await sql<{ status: string; n: number }[]>`
        select status, count(*)::int as n from inbound_events where channel = 'telegram' and person_key <> '' group by status`;
      expect(events, 'each update recorded once, and processed').toEqual([{ status: 'processed', n: total }]);

      const people = await sql<{ key: string; version: number; said: number }[]>`
        select p.external_key as key, c.version,
               (select count(*)::int from messages m where m.conversation_id = c.id and m.author = 'person') as said
        from people p join conversations c on c.person_id = p.id where p.channel = 'telegram'`;
      expect(people).toHaveLength(PEOPLE);
      for (const person of people) {
        // Each applied update bumps the version once and adds the person's message once.
        expect({ version: person.version, said: person.said }).toEqual({ version: TEXTS.length, said: TEXTS.length });
      }

      const rows = await sql<{ key: string; status: string; ids: string[] | null }[]>`
        select p.external_key as key, o.status, o.external_ids as ids
        from outbox o join people p on p.id = o.person_id order by o.id`;
      expect(rows.filter((r) => r.status !== 'sent'), 'every reply sent').toEqual([]);
      const sentAtFake = fake.sent();
      for (const chat of chats) {
        const recorded = rows
          .filter((r) => r.key === String(chat))
          .flatMap((r) => r.ids ?? [])
          .map(Number)
          .sort((a, b) => a - b);
        const delivered = sentAtFake
          .filter((m) => m.chatId === String(chat))
          .map((m) => m.messageId)
          .sort((a, b) => a - b);
        expect(delivered.length, 'someone answered each person').toBeGreaterThan(0);
        // Same messages on both sides: nothing delivered twice, nothing delivered unrecorded.
        expect(delivered).toEqual(recorded);
      }
    } finally {
      await sql.end();
    }

    // The privacy rule holds in the failure paths too: no chat id, no message text in the logs.
    const logged = logs.join('\n');
    for (const chat of chats) expect(logged.includes(String(chat))).toBe(false);
    expect(logged.includes('bonjour')).toBe(false);
  }, 120_000);
});
