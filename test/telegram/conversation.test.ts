import { and, eq, sql } from 'drizzle-orm';
import type { UserFromGetMe } from 'grammy/types';
import { describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { toInbound, type TelegramChannel } from '../../src/channels/telegram/index.js';
import { loadContent } from '../../src/content/index.js';
import type { OutboxPayload } from '../../src/core/messages.js';
import type { LocaleCode } from '../../src/core/locales.js';
import { inboundEvents, outbox, people } from '../../src/storage/schema.js';
import {
  FAKE_BOT_INFO,
  failures,
  telegramUpdates as u,
  type FakeTelegramApi,
  type SentMessage,
} from '../support/fake-telegram-api.js';
import { startRelais, type TestRelais } from '../support/relais.js';

/**
 * Telegram end to end: update JSON as Telegram sends it → `POST /webhooks/telegram` on the real app
 * and database → engine → outbox → the real grammY client → a fake Bot API on 127.0.0.1.
 */

const SECRET = 'webhook-secret_0123456789';
const content = loadContent();
const ME = FAKE_BOT_INFO as UserFromGetMe;

let fake: FakeTelegramApi;
test.beforeEach(({ telegramApi }) => {
  fake = telegramApi;
});

let updateIds = 700_000;
const nextUpdateId = () => ++updateIds;

interface Harness {
  r: TestRelais;
  post(update: unknown, secret?: string | null): Promise<Response>;
  /** Posts an update and waits until its processing and delivery are done. */
  send(update: unknown): Promise<Response>;
  /** Taps a button of the last keyboard sent to the chat, as Telegram reports it. */
  tap(chatId: number, data: string, languageCode?: string): Promise<{ update: ReturnType<typeof u.callback>; tapped: SentMessage }>;
  sentTo(chatId: number): SentMessage[];
  count(table: typeof inboundEvents | typeof outbox | typeof people): Promise<number>;
}

async function start(
  options: { botInfo?: boolean; now?: () => Date; env?: Record<string, string>; telegram?: object } = {},
): Promise<Harness> {
  const r = await startRelais({
    env: {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      ...options.env,
    },
    ...(options.now ? { now: options.now } : {}),
    channelOptions: { telegram: { ...(options.botInfo === false ? {} : { botInfo: ME }), ...options.telegram } },
  });
  const post = (update: unknown, secret: string | null = SECRET) =>
    r.request('/webhooks/telegram', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      },
      body: typeof update === 'string' ? update : JSON.stringify(update),
    });
  const sentTo = (chatId: number) => fake.sent().filter((m) => m.chatId === String(chatId));
  const h: Harness = {
    r,
    post,
    async send(update) {
      const response = await post(update);
      await r.settle();
      return response;
    },
    async tap(chatId, data, languageCode) {
      const withKeyboard = sentTo(chatId).filter((m) => m.replyMarkup);
      const tapped = withKeyboard[withKeyboard.length - 1];
      expect(tapped, `a keyboard was sent to ${chatId}`).toBeDefined();
      const offered = tapped!.replyMarkup!.inline_keyboard.flat().map((b) => b.callback_data);
      expect(offered, 'the button is on the last keyboard').toContain(data);
      const update = u.callback(nextUpdateId(), chatId, data, tapped!.messageId, languageCode);
      const response = await h.send(update);
      expect(response.status).toBe(200);
      return { update, tapped: tapped! };
    },
    sentTo,
    async count(table) {
      const [row] = await r.db.select({ n: sql<number>`count(*)::int` }).from(table);
      return row!.n;
    },
  };
  return h;
}

const texts = (messages: SentMessage[]) => messages.map((m) => m.text);
const buttons = (message: SentMessage | undefined) =>
  message?.replyMarkup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [];
const last = <T>(list: T[]) => list[list.length - 1];
const topicTexts = (locale: LocaleCode, topicId: string) =>
  content.topics.get(topicId)!.body.map((id) => content.text(locale, id));

describe('Telegram webhook, end to end', () => {
  test.each([
    ['fr', 810_001],
    ['en', 810_002],
    ['ar', 810_003],
  ] as const)('walks a whole conversation from /start to a topic (%s)', async (locale, chat) => {
    const h = await start();

    const first = await h.send(u.text(nextUpdateId(), chat, '/start', locale));
    expect(first.status).toBe(200);
    expect(texts(h.sentTo(chat))[0]).toBe(content.text(locale, 'welcome'));
    expect(buttons(last(h.sentTo(chat)))).toContain(`c:lang:${locale}`);

    // Language, then the menus, then a topic: each tap answered and its keyboard removed.
    const taps = [`c:lang:${locale}`, 'c:t:relative', 'c:t:r-zone'];
    for (const data of taps) {
      const before = h.sentTo(chat).length;
      const { update, tapped } = await h.tap(chat, data, locale);
      expect(h.sentTo(chat).length, `${data} got a reply`).toBeGreaterThan(before);
      expect(fake.succeeded('answerCallbackQuery')).toContainEqual({ callback_query_id: update.callback_query.id });
      expect(fake.succeeded('editMessageReplyMarkup')).toContainEqual({ chat_id: chat, message_id: tapped.messageId });
    }

    const sent = texts(h.sentTo(chat));
    expect(sent).toContain(content.text(locale, 'relative.1'));
    for (const paragraph of topicTexts(locale, 'r-zone')) expect(sent).toContain(paragraph);
    // The topic's last message offers a way on.
    expect(buttons(last(h.sentTo(chat)))).toEqual(expect.arrayContaining(['c:nav:menu']));
    // Every tapped message had its keyboard removed; one answer per tap.
    expect(fake.succeeded('answerCallbackQuery')).toHaveLength(taps.length);

    const [person] = await h.r.db.select().from(people).where(eq(people.externalKey, String(chat)));
    expect(person).toMatchObject({ channel: 'telegram', locale });
    expect(await h.count(inboundEvents)).toBe(1 + taps.length);
  });

  test('opens the topic of a deep link at once, in the person’s language', async () => {
    const h = await start();
    for (const [payload, chat] of [
      ['zone-attente', 820_001],
      ['frontiere-italie', 820_002],
    ] as const) {
      await h.send(u.text(nextUpdateId(), chat, `/start ${payload}`, 'fr'));
      const topic = content.aliases.get(payload)!;
      expect(topic).toBeDefined();
      const sent = texts(h.sentTo(chat));
      // The topic comes first: no language picker in front of it.
      expect(sent[0]).toBe(topicTexts('fr', topic)[0]);
      expect(sent).toEqual(expect.arrayContaining(topicTexts('fr', topic)));
    }
  });

  test('answers a button it does not know, and records nothing for it', async () => {
    const h = await start();
    const update = u.callback(nextUpdateId(), 820_101, 'from-an-old-version');
    expect((await h.send(update)).status).toBe(200);
    expect(fake.succeeded('answerCallbackQuery')).toEqual([{ callback_query_id: update.callback_query.id }]);
    expect(fake.succeeded('editMessageReplyMarkup')).toEqual([]);
    expect(await h.count(inboundEvents)).toBe(0);
    expect(fake.sent()).toEqual([]);
  });

  test('sends no second reply to a duplicate update or a webhook retry', async () => {
    const h = await start();
    const chat = 830_001;
    const update = u.text(nextUpdateId(), chat, '/start zone-attente', 'fr');
    expect((await h.send(update)).status).toBe(200);
    const replies = h.sentTo(chat).length;
    expect(replies).toBeGreaterThan(0);

    expect((await h.send(update)).status).toBe(200);
    // Both at once, too.
    const [a, b] = await Promise.all([h.post(update), h.post(update)]);
    await h.r.settle();
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(h.sentTo(chat)).toHaveLength(replies);
    expect(await h.count(inboundEvents)).toBe(1);
  });

  test('refuses a forged request with 401 and changes nothing', async () => {
    const h = await start();
    const update = u.text(nextUpdateId(), 840_001, '/start', 'fr');
    for (const secret of ['not-the-secret', `${SECRET}x`, '', null]) {
      const response = await h.post(update, secret);
      expect(response.status, `secret ${JSON.stringify(secret)}`).toBe(401);
    }
    // Wrong secret and a body that is not even JSON: still 401, not 400.
    expect((await h.post('{not json', 'nope')).status).toBe(401);
    await h.r.settle();
    expect(await h.count(inboundEvents)).toBe(0);
    expect(await h.count(people)).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  test('refuses a forged request on a cold start without asking Telegram who the bot is', async () => {
    const h = await start({ botInfo: false });
    expect((await h.post(u.text(nextUpdateId(), 840_002, '/start', 'fr'), 'forged')).status).toBe(401);
    expect(fake.calls).toEqual([]);
  });

  test('answers a person without ever asking Telegram who the bot is', async () => {
    const h = await start({ botInfo: false });
    await h.send(u.text(nextUpdateId(), 896_001, '/start', 'fr'));
    await h.send(u.text(nextUpdateId(), 896_002, '/start', 'en'));
    await h.send(u.text(nextUpdateId(), 896_001, 'menu', 'fr'));
    expect(fake.calls.filter((c) => c.method === 'getMe')).toEqual([]);
    expect(h.sentTo(896_001).length).toBeGreaterThan(0);
    expect(h.sentTo(896_002).length).toBeGreaterThan(0);
  });

  test('refuses a body that is not an update with 400', async () => {
    const h = await start();
    expect((await h.post('{not json')).status).toBe(400);
    const noId = await h.post({ message: { text: 'hi' } });
    expect(noId.status).toBe(400);
    expect(await noId.json()).toEqual({ error: 'malformed webhook', reason: 'the body is not a Telegram update (no update_id)' });
    expect(await h.count(inboundEvents)).toBe(0);
  });

  test('honours 429 retry_after, then delivers everything in order', async () => {
    let clock = new Date('2026-11-28T08:00:00Z');
    const h = await start({ now: () => clock });
    const chat = 850_001;
    fake.failNext('sendMessage', failures.tooManyRequests(5));

    await h.send(u.text(nextUpdateId(), chat, '/start', 'fr'));
    expect(h.sentTo(chat)).toEqual([]);
    const rows = await h.r.db.select().from(outbox).orderBy(outbox.id);
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: '429 Too Many Requests: retry after 5' });
    expect(rows[0]!.nextAttemptAt.getTime()).toBe(clock.getTime() + 5_000);

    // Not before Telegram said…
    clock = new Date(clock.getTime() + 4_000);
    await h.r.sweep();
    expect(h.sentTo(chat)).toEqual([]);
    // …then all of it, welcome first.
    clock = new Date(clock.getTime() + 1_000);
    await h.r.sweep();
    expect(texts(h.sentTo(chat))[0]).toBe(content.text('fr', 'welcome'));
    expect(h.sentTo(chat)).toHaveLength(rows.length);
    const after = await h.r.db.select().from(outbox);
    expect(after.every((row) => row.status === 'sent' && row.externalIds?.length === 1)).toBe(true);
  });

  test('stops writing to a person who blocked the bot (my_chat_member), and starts again when unblocked', async () => {
    const h = await start();
    const chat = 860_001;
    await h.send(u.text(nextUpdateId(), chat, '/start zone-attente', 'fr'));
    const before = h.sentTo(chat).length;

    // A message they sent just before blocking us, recorded but not yet applied…
    const inFlight = toInbound(u.text(nextUpdateId(), chat, 'menu', 'fr') as never, new Date(Date.now() - 1000));
    if (inFlight.status !== 'message') throw new Error('not a message');
    await h.r.relais.inbox.record([inFlight.message]);

    expect((await h.send(u.myChatMember(nextUpdateId(), chat, 'kicked'))).status).toBe(200);
    const [blocked] = await h.r.db.select().from(people).where(eq(people.externalKey, String(chat)));
    expect(blocked?.unreachableAt).toBeInstanceOf(Date);

    // …is applied after: processed, but nothing goes out, and they stay unreachable.
    await h.r.sweep();
    const [still] = await h.r.db.select().from(people).where(eq(people.externalKey, String(chat)));
    expect(still?.unreachableAt).toBeInstanceOf(Date);
    expect(h.sentTo(chat)).toHaveLength(before);
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === String(chat))).toHaveLength(before);

    await h.send(u.myChatMember(nextUpdateId(), chat, 'member'));
    const [back] = await h.r.db.select().from(people).where(eq(people.externalKey, String(chat)));
    expect(back?.unreachableAt).toBeNull();
    await h.send(u.text(nextUpdateId(), chat, 'menu', 'fr'));
    expect(h.sentTo(chat).length).toBeGreaterThan(before);
  });

  test('marks a person unreachable when Telegram answers 403, and sends nothing more', async () => {
    const h = await start();
    const chat = 860_002;
    fake.block(chat);
    await h.send(u.text(nextUpdateId(), chat, '/start', 'fr'));
    const [person] = await h.r.db.select().from(people).where(eq(people.externalKey, String(chat)));
    expect(person?.unreachableReason).toBe('403 Forbidden: bot was blocked by the user');
    const rows = await h.r.db.select().from(outbox).where(eq(outbox.personId, person!.id));
    expect(rows.every((row) => row.status === 'failed')).toBe(true);
    // One attempt, then nothing.
    await h.r.sweep();
    expect(fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
  });

  test.each([
    ['photo', 'image'],
    ['voice', 'audio'],
    ['sticker', 'sticker'],
    ['document', 'document'],
    ['location', 'location'],
  ] as const)('answers a %s politely in the person’s language, offering a volunteer', async (kind, what) => {
    const h = await start();
    const chat = 870_001;
    await h.send(u.text(nextUpdateId(), chat, '/start zone-attente', 'fr'));
    const before = h.sentTo(chat).length;

    expect((await h.send(u.media(nextUpdateId(), chat, kind, 'fr'))).status).toBe(200);
    const replies = h.sentTo(chat).slice(before);
    expect(texts(replies)).toContain(content.text('fr', 'unsupported', { what }));
    expect(buttons(last(replies))).toContain('c:nav:volunteer');
  });

  test('splits a long message at paragraphs, keyboard on the last part', async () => {
    const h = await start();
    const chat = 880_001;
    await h.send(u.text(nextUpdateId(), chat, '/start zone-attente', 'fr'));
    const [person] = await h.r.db.select().from(people).where(eq(people.externalKey, String(chat)));
    const before = h.sentTo(chat).length;

    const paragraphs = Array.from({ length: 20 }, (_, i) => `${i + 1}. ${topicTexts('fr', 'r-zone').join(' ')}`);
    const long = paragraphs.join('\n\n');
    expect(long.length).toBeGreaterThan(4096 * 2);
    const payload: OutboxPayload = {
      message: { kind: 'choices', text: long, choices: [{ id: 'nav:menu', label: content.text('fr', 'nav.menu') }] },
      locale: 'fr',
      direction: 'ltr',
    };
    // A message the engine might write one day (a volunteer's long answer): through the real outbox.
    await h.r.db.insert(outbox).values({ personId: person!.id, channel: 'telegram', payload });
    await h.r.sweep();

    const parts = h.sentTo(chat).slice(before);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(4096);
      expect(part.text).toMatch(/^\d+\. /);
    }
    expect(texts(parts).join('\n\n')).toBe(long);
    expect(parts.slice(0, -1).every((p) => !p.replyMarkup)).toBe(true);
    expect(buttons(last(parts))).toEqual(['c:nav:menu']);
    const [row] = await h.r.db.select().from(outbox).where(and(eq(outbox.personId, person!.id), sql`length(${outbox.payload}->'message'->>'text') > 4096`));
    expect(row?.externalIds).toEqual(parts.map((p) => String(p.messageId)));
  });

  test('ignores groups and channels; hands the volunteers’ group to its handler', async () => {
    const seen: number[] = [];
    const volunteers = -1001234567890;
    const h = await start({
      env: { TELEGRAM_VOLUNTEER_CHAT_ID: String(volunteers) },
      telegram: {
        onVolunteerChatUpdate: async (update: { update_id: number }) => {
          seen.push(update.update_id);
          return { messages: [] };
        },
      },
    });
    expect((await h.send(u.groupText(nextUpdateId(), -100555, 890_001, 'hello everyone'))).status).toBe(200);
    expect((await h.send(u.channelPost(nextUpdateId(), -100777, 'news'))).status).toBe(200);
    const fromVolunteers = u.groupText(nextUpdateId(), volunteers, 890_002, 'I take case 12');
    expect((await h.send(fromVolunteers)).status).toBe(200);

    expect(seen).toEqual([fromVolunteers.update_id]);
    expect(await h.count(inboundEvents)).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  test('answers a button tapped in a group, the volunteers’ included, without recording it', async () => {
    const volunteers = -1001234567890;
    const h = await start({ env: { TELEGRAM_VOLUNTEER_CHAT_ID: String(volunteers) } });
    for (const groupId of [volunteers, -100555]) {
      const update = u.callback(nextUpdateId(), 890_003, 'c:nav:menu');
      update.callback_query.message.chat = { id: groupId, title: 'A group', type: 'supergroup' } as never;
      expect((await h.send(update)).status).toBe(200);
      // The volunteers' group says the button is not one of its own; another group's gets a bare answer.
      expect(fake.succeeded('answerCallbackQuery')).toContainEqual(expect.objectContaining({ callback_query_id: update.callback_query.id }));
    }
    expect(fake.succeeded('editMessageReplyMarkup')).toEqual([]);
    // Nobody's message: only the group update's dedupe key is kept.
    const recorded = await h.r.db.select().from(inboundEvents);
    expect(recorded.map((e) => [e.externalId, e.personKey, e.payload])).toEqual([[expect.stringMatching(/^group:\d+$/), '', null]]);
  });

  test('answers 503 when the update cannot be recorded, so Telegram retries; the retry is answered', async () => {
    const h = await start();
    const chat = 895_001;
    const update = u.text(nextUpdateId(), chat, '/start', 'fr');
    await h.r.db.execute(sql`alter table inbound_events rename to inbound_events_away`);
    let response: Response;
    try {
      response = await h.send(update);
    } finally {
      await h.r.db.execute(sql`alter table inbound_events_away rename to inbound_events`);
    }
    expect(response.status).toBe(503);
    expect(fake.sent()).toEqual([]);
    // The failure is logged, without the query's parameters (the chat id, the text).
    const failure = h.r.logs.find((line) => line.includes('webhook.record_failed'));
    expect(failure).toBeDefined();
    expect(failure).not.toContain(String(chat));

    expect((await h.send(update)).status).toBe(200);
    expect(texts(h.sentTo(chat))[0]).toBe(content.text('fr', 'welcome'));
  });

  test('keeps chat ids and message text out of the logs', async () => {
    const h = await start();
    const chat = 897_654_321;
    await h.send(u.text(nextUpdateId(), chat, 'Mon frère est retenu à Roissy', 'fr'));
    await h.tap(chat, last(buttons(last(h.sentTo(chat))))!, 'fr');
    const logs = h.r.logs.join('\n');
    expect(logs).toContain('telegram');
    expect(logs).not.toContain(String(chat));
    expect(logs).not.toContain('Roissy');
  });
});

describe('Telegram long polling (npm run dev:telegram)', () => {
  test('runs the same handlers on getUpdates', async () => {
    const h = await start();
    const telegram = h.r.relais.channels.find((c): c is TelegramChannel => c.name === 'telegram')!;
    const chat = 898_001;
    fake.pushUpdate(u.text(nextUpdateId(), chat, '/start zone-attente', 'fr'));

    const polling = telegram.startPolling();
    try {
      await waitFor(() => h.sentTo(chat).length >= topicTexts('fr', 'r-zone').length);
      const { tapped } = await (async () => {
        const withKeyboard = h.sentTo(chat).filter((m) => m.replyMarkup);
        const message = last(withKeyboard)!;
        fake.pushUpdate(u.callback(nextUpdateId(), chat, 'c:nav:menu', message.messageId, 'fr'));
        return { tapped: message };
      })();
      await waitFor(() => fake.succeeded('answerCallbackQuery').length === 1);
      await waitFor(() => h.sentTo(chat).some((m) => m.text === content.text('fr', 'home.1')));
      await waitFor(() => fake.succeeded('editMessageReplyMarkup').length === 1);
      expect(fake.succeeded('editMessageReplyMarkup')).toEqual([{ chat_id: chat, message_id: tapped.messageId }]);
    } finally {
      await telegram.stopPolling();
      await polling;
    }
    // Polling asked for exactly the updates Relais reads, after removing any webhook.
    expect(fake.calls.find((c) => c.method === 'deleteWebhook')).toBeDefined();
    expect(fake.calls.find((c) => c.method === 'getUpdates')?.payload).toMatchObject({
      allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
    expect(texts(h.sentTo(chat))[0]).toBe(topicTexts('fr', 'r-zone')[0]);
  });
});

/** Polls a condition (long polling is asynchronous by nature); fails after 10 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
