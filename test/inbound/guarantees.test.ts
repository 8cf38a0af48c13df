import { and, asc, eq, inArray } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { renderTelegram } from '../../src/channels/telegram/index.js';
import { parseConfig } from '../../src/config/config.js';
import { loadContent } from '../../src/content/index.js';
import { createLogger } from '../../src/logger.js';
import { conversations, inboundEvents, messages, outbox, people } from '../../src/storage/schema.js';
import { failures, telegramUpdates as u } from '../support/fake-telegram-api.js';
import { test } from '../support/fixtures.js';
import { startRelais } from '../support/relais.js';

/**
 * The durable path's guarantees under batching, with two instances of the app on one database (as two
 * Node processes or two Worker isolates would be): every update applied exactly once and in order per
 * person, every reply delivered exactly once and in order per chat, whatever the platform answers.
 */

const SECRET = 'guarantees-secret';
const TEXTS = ['asile', 'menu', 'mineur', 'avocat', 'retour', 'frontière', '1', '0'];

async function twoInstances(apiUrl: string, token: string, now?: () => Date) {
  const env = { TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: apiUrl, LOG_LEVEL: 'silent' };
  const first = await startRelais({ env, ...(now ? { now } : {}) });
  // The second instance: its own app, inbox batcher and outbox, on the same database.
  const second = createApp({
    config: parseConfig(env),
    database: first.database,
    content: loadContent(),
    logger: createLogger('silent'),
    ...(now ? { now } : {}),
  });
  const post = (app: typeof second.app, update: unknown) =>
    app.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
  return { first, second, post, settle: () => Promise.all([first.settle(), second.background.drain()]) };
}

describe('under batching, with two instances', () => {
  test('applies each person’s updates once and in the order received, whichever instance takes them', async ({ telegramApi }) => {
    const { first, second, post, settle } = await twoInstances(telegramApi.url, telegramApi.token);
    const chats = Array.from({ length: 12 }, (_, i) => 70_000 + i);
    let updateId = 1;
    // Each chat's updates arrive in order (Telegram waits for our answer before the next one of a chat);
    // chats run side by side, and each update goes to either instance.
    await Promise.all(
      chats.map(async (chat, c) => {
        for (const [i, text] of TEXTS.entries()) {
          const app = (c + i) % 2 === 0 ? first.app : second.app;
          expect((await post(app, u.text(updateId++, chat, text, 'fr'))).status).toBe(200);
        }
      }),
    );
    await settle();
    await Promise.all([first.sweep(), second.sweep()]);
    await settle();

    expect(await first.db.select().from(inboundEvents).where(eq(inboundEvents.status, 'received'))).toEqual([]);
    for (const chat of chats) {
      const [person] = await first.db.select().from(people).where(eq(people.externalKey, String(chat)));
      const [conversation] = await first.db.select().from(conversations).where(eq(conversations.personId, person!.id));
      expect(conversation!.version, `chat ${chat}`).toBe(TEXTS.length);
      const said = await first.db
        .select({ text: messages.text })
        .from(messages)
        .where(and(eq(messages.conversationId, conversation!.id), eq(messages.author, 'person')))
        .orderBy(asc(messages.id));
      const typed = said.map((m) => m.text);
      expect(typed, `chat ${chat}`).toEqual(TEXTS);
    }
  });

  test('delivers every reply exactly once and in order per chat, through 500s, 429s and dropped connections', async ({ telegramApi }) => {
    let clock = new Date('2026-11-29T10:00:00Z');
    const { first, second, post, settle } = await twoInstances(telegramApi.url, telegramApi.token, () => clock);
    // Every message fails three times before Telegram accepts it: a 500, a 429, a dropped connection.
    telegramApi.failEachMessage('sendMessage', failures.serverError(), failures.tooManyRequests(1), failures.disconnect());

    const chats = Array.from({ length: 10 }, (_, i) => 71_000 + i);
    let updateId = 1_000;
    await Promise.all(chats.map(async (chat) => {
      for (const text of ['asile', 'menu', 'avocat']) await post(chat % 2 ? first.app : second.app, u.text(updateId++, chat, text, 'fr'));
    }));
    await settle();
    // Time passes; both instances sweep, side by side, until nothing is left to send.
    for (let round = 0; round < 40; round++) {
      clock = new Date(clock.getTime() + 60_000);
      await Promise.all([first.sweep(), second.sweep()]);
      const open = await first.db.select({ id: outbox.id }).from(outbox).where(inArray(outbox.status, ['pending', 'sending']));
      if (open.length === 0) break;
    }

    const rows = await first.db.select().from(outbox).orderBy(asc(outbox.id));
    const unsent = rows.filter((r) => r.status !== 'sent').map((r) => ({ id: r.id, status: r.status, attempts: r.attempts, lastError: r.lastError }));
    expect(unsent).toEqual([]);
    const accepted = telegramApi.sent();
    // The failures did happen: three for each distinct message.
    const distinct = new Set(accepted.map((m) => JSON.stringify([m.chatId, m.text])));
    expect(telegramApi.calls.filter((c) => c.method === 'sendMessage' && !c.ok).length).toBe(3 * distinct.size);
    // Exactly once: as many accepted sends as parts the rows recorded, and no text twice in a chat's run.
    expect(accepted.length).toBe(rows.reduce((n, r) => n + (r.externalIds?.length ?? 0), 0));
    for (const chat of chats) {
      const [person] = await first.db.select().from(people).where(eq(people.externalKey, String(chat)));
      // What each row becomes on Telegram (a message with choices carries their descriptions).
      const expected = rows.filter((r) => r.personId === person!.id).flatMap((r) => renderTelegram(r.payload).map((part) => part.text));
      const got = accepted.filter((m) => m.chatId === String(chat)).map((m) => m.text);
      expect(got, `chat ${chat}`).toEqual(expected);
    }
  });
});
