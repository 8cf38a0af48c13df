import { and, asc, eq } from 'drizzle-orm';
import type { UserFromGetMe } from 'grammy/types';
import { describe, expect } from 'vitest';
import { loadContent } from '../../src/content/index.js';
import type { Actor } from '../../src/handoff/service.js';
import { auditLog, cases, outbox, people, volunteers } from '../../src/storage/schema.js';
import { FAKE_BOT_INFO, telegramUpdates as u, type FakeTelegramApi, type SentMessage } from '../support/fake-telegram-api.js';
import type { FakeGraphApi } from '../support/fake-graph-api.js';
import { test } from '../support/fixtures.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import { signedInit, wa, webhookOf, whatsappEnv } from '../support/whatsapp-fixtures.js';
import { signedIn } from '../console/helpers.js';

/**
 * The volunteers' Telegram group end to end: people write to the bot (Telegram, WhatsApp), cases open,
 * topics and posts appear in a supergroup of the local fake Bot API, members tap and write there
 * (updates posted to `POST /webhooks/telegram` as Telegram sends them), and what they do reaches the
 * person through the same handoff service, claim locks and outbox as the console.
 */

const SECRET = 'group-secret_0123456789';
const GROUP = -1001234567890;
const ME = FAKE_BOT_INFO as UserFromGetMe;
const content = loadContent();
/** Members of the group (Telegram user ids). The person writing to the bot is "Amina" in the fixtures. */
const BRUNO = { id: 5001, firstName: 'Bruno', lastName: 'Lefèvre' };
const CHLOE = { id: 5002, firstName: 'Chloé' };
const DAVID = { id: 5003, firstName: 'David' };

let fake: FakeTelegramApi;
let graph: FakeGraphApi;
test.beforeEach(({ telegramApi, graphApi }) => {
  fake = telegramApi;
  graph = graphApi;
});

let updateIds = 900_000;
const nextUpdateId = () => ++updateIds;

interface Group {
  r: TestRelais;
  clock: () => Date;
  advance(ms: number): void;
  /** A person writes to the bot on Telegram. */
  person(chat: number, text: string, languageCode?: string): Promise<Response>;
  /** Posts an update and waits for its work and deliveries. */
  send(update: unknown): Promise<Response>;
  /** What the bot posted in the group, optionally in one topic. */
  posts(threadId?: number): SentMessage[];
  sentTo(chat: number): string[];
  caseRow(caseId: number): Promise<typeof cases.$inferSelect>;
  /** Taps a button of the last post in the topic that has it. */
  tap(member: { id: number; firstName?: string; lastName?: string }, data: string, threadId: number): Promise<{ answer: Record<string, unknown> | undefined; message: SentMessage }>;
  /** A member writes in a topic. */
  write(member: { id: number; firstName?: string; lastName?: string }, threadId: number, text: string): Promise<{ messageId: number }>;
  /** The last case's id. */
  lastCase(): Promise<number>;
}

async function start(options: { env?: Record<string, string>; members?: number[]; bot?: Parameters<FakeTelegramApi['addGroup']>[1] } = {}): Promise<Group> {
  let now = new Date('2026-11-30T09:00:00Z'); // a Monday, 10:00 in Paris: office hours
  fake.addGroup(GROUP, { members: options.members ?? [BRUNO.id, CHLOE.id], ...options.bot });
  const r = await startRelais({
    env: {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_VOLUNTEER_CHAT_ID: String(GROUP),
      ...whatsappEnv(graph.url),
      ...options.env,
    },
    now: () => now,
    channelOptions: { telegram: { botInfo: ME }, whatsapp: { now: () => now } },
  });
  const send = async (update: unknown) => {
    const response = await r.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    await r.settle();
    return response;
  };
  const posts = (threadId?: number) =>
    fake.sent().filter((m) => m.chatId === String(GROUP) && (threadId === undefined || m.threadId === threadId));
  const g: Group = {
    r,
    clock: () => now,
    advance(ms) {
      now = new Date(now.getTime() + ms);
    },
    person: (chat, text, languageCode = 'fr') => send(u.text(nextUpdateId(), chat, text, languageCode)),
    send,
    posts,
    sentTo: (chat) => fake.sent().filter((m) => m.chatId === String(chat)).map((m) => m.text),
    async caseRow(caseId) {
      const [row] = await r.db.select().from(cases).where(eq(cases.id, caseId));
      return row!;
    },
    async tap(member, data, threadId) {
      const message = posts(threadId)
        .filter((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => b.callback_data === data))
        .at(-1);
      expect(message, `a post in topic ${threadId} offers ${data}`).toBeDefined();
      const update = u.groupCallback(nextUpdateId(), GROUP, member, data, message!.messageId, threadId);
      expect((await send(update)).status).toBe(200);
      const answer = fake.succeeded('answerCallbackQuery').find((a) => a.callback_query_id === update.callback_query.id);
      return { answer, message: message! };
    },
    async write(member, threadId, text) {
      const update = u.topicText(nextUpdateId(), GROUP, threadId, member, text);
      expect((await send(update)).status).toBe(200);
      return { messageId: update.message.message_id };
    },
    async lastCase() {
      const rows = await r.db.select({ id: cases.id }).from(cases).orderBy(asc(cases.id));
      return rows.at(-1)!.id;
    },
  };
  return g;
}

const buttonsOf = (m: SentMessage | undefined) => m?.replyMarkup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [];

describe('the volunteers’ group', () => {
  test('a case opening makes a topic named for triage, with the card, a short transcript and the buttons', async () => {
    const g = await start();
    await g.person(910_001, '/start zone-attente');
    await g.person(910_001, 'bénévole');
    const caseId = await g.lastCase();

    const [topic] = fake.topics(GROUP);
    expect(topic).toMatchObject({ name: `#${caseId} · fr`, closed: false });
    const row = await g.caseRow(caseId);
    expect(row.telegramThreadId).toBe(topic!.threadId);
    const [card] = g.posts(topic!.threadId);
    expect(card!.text).toContain(`Case #${caseId}`);
    expect(card!.text).toContain('Language: fr · Telegram');
    expect(card!.text).toContain('👤 bénévole');
    expect(buttonsOf(card)).toEqual([`c:claim:${caseId}`, `c:release:${caseId}`, `c:close:${caseId}`]);
    expect(row.telegramCardMessageId).toBe(card!.messageId);
    // Never the person's name, number or chat id.
    for (const text of [topic!.name, card!.text]) {
      expect(text).not.toContain('910001');
      expect(text).not.toContain('Amina');
    }
  });

  test('a member takes a case with the button; another member’s tap and reply are refused, and nothing reaches the person', async () => {
    const g = await start();
    const chat = 910_101;
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    const toPerson = g.sentTo(chat).length;

    const { answer } = await g.tap(BRUNO, `c:claim:${caseId}`, thread);
    expect(answer).toMatchObject({ text: `You hold case #${caseId}. Write in this topic to answer the person.` });
    // Bruno had no account: one was made for him, linked to his Telegram id, and the console shows him.
    const [bruno] = await g.r.db.select().from(volunteers).where(eq(volunteers.telegramUserId, String(BRUNO.id)));
    expect(bruno).toMatchObject({ name: 'Bruno Lefèvre', role: 'volunteer', email: `telegram-${BRUNO.id}@telegram.invalid`, languages: ['fr'] });
    expect((await g.r.relais.handoff.view(caseId))!.case.claimedBy).toEqual({ id: bruno!.id, name: 'Bruno Lefèvre' });
    expect(await g.r.db.select().from(auditLog).where(eq(auditLog.volunteerId, bruno!.id))).toHaveLength(1);
    expect(fake.topics(GROUP)[0]!.name).toBe(`#${caseId} · fr · ✋ Bruno Lefèvre`);
    expect(g.posts(thread).map((p) => p.text)).toContain('✋ Bruno Lefèvre took the case.');

    // Chloé taps Take: refused, with who holds it.
    const refused = await g.tap(CHLOE, `c:claim:${caseId}`, thread);
    expect(refused.answer).toMatchObject({ text: `Bruno Lefèvre holds case #${caseId}.`, show_alert: true });
    // …and Release, and Close.
    expect((await g.tap(CHLOE, `c:release:${caseId}`, thread)).answer).toMatchObject({ show_alert: true, text: expect.stringContaining('only they or a coordinator can release it') });
    expect((await g.tap(CHLOE, `c:close:${caseId}`, thread)).answer).toMatchObject({ show_alert: true, text: expect.stringContaining('only they or a coordinator can close it') });
    // Chloé writes in the topic: refused with a notice answering her message.
    const { messageId } = await g.write(CHLOE, thread, 'Bonjour, je peux aider ?');
    const notice = g.posts(thread).at(-1)!;
    expect(notice).toMatchObject({ replyTo: messageId, text: expect.stringContaining(`Not sent to the person: Bruno Lefèvre holds case #${caseId}`) });
    expect(g.sentTo(chat)).toHaveLength(toPerson);
    expect((await g.r.relais.handoff.view(caseId))!.case.claimedBy!.name).toBe('Bruno Lefèvre');

    // Bruno answers: it reaches the person.
    await g.write(BRUNO, thread, 'Bonjour, ici Bruno, bénévole. Où êtes-vous ?');
    expect(g.sentTo(chat).at(-1)).toBe('Bonjour, ici Bruno, bénévole. Où êtes-vous ?');
    // A member who left the group cannot act even with an old button.
    const stranger = await g.tap(DAVID, `c:release:${caseId}`, thread);
    expect(stranger.answer).toMatchObject({ text: 'Only members of the volunteers’ group can act on cases.' });
    expect((await g.r.relais.handoff.view(caseId))!.case.claimedBy!.name).toBe('Bruno Lefèvre');
  });

  test('the first reply in an unclaimed topic takes the case; the person’s answers appear in the topic', async () => {
    const g = await start();
    const chat = 910_201;
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    // Chloé is known to the console, already linked: she is the holder the console shows.
    const [chloe] = await g.r.db.insert(volunteers).values({ name: 'Chloé Martin', email: 'chloe@example.org', languages: ['fr', 'ar'], telegramUserId: String(CHLOE.id) }).returning();

    await g.write(CHLOE, thread, 'Bonjour, je suis Chloé. Que se passe-t-il ?');
    expect(g.sentTo(chat).at(-1)).toBe('Bonjour, je suis Chloé. Que se passe-t-il ?');
    expect((await g.r.relais.handoff.view(caseId))!.case.claimedBy).toEqual({ id: chloe!.id, name: 'Chloé Martin' });
    // What she wrote is in the topic already: not posted again.
    expect(g.posts(thread).map((p) => p.text).join('\n')).not.toContain('Que se passe-t-il');

    await g.person(chat, 'Mon frère est bloqué à Roissy depuis hier');
    await g.person(chat, 'Il a un vol demain matin');
    const said = g.posts(thread).map((p) => p.text).join('\n');
    expect(said).toContain('👤 Mon frère est bloqué à Roissy depuis hier');
    expect(said).toContain('👤 Il a un vol demain matin');
    // The bot stays silent with the person while Chloé holds the case.
    expect(g.sentTo(chat).at(-1)).toBe('Bonjour, je suis Chloé. Que se passe-t-il ?');
    const transcript = (await g.r.relais.handoff.view(caseId))!.messages.filter((m) => m.author !== 'bot').map((m) => [m.author, m.text]);
    expect(transcript.slice(-3)).toEqual([
      ['volunteer', 'Bonjour, je suis Chloé. Que se passe-t-il ?'],
      ['person', 'Mon frère est bloqué à Roissy depuis hier'],
      ['person', 'Il a un vol demain matin'],
    ]);

    // The person blocked the bot: Chloé's next reply cannot go, and the topic says so.
    fake.block(chat);
    await g.write(CHLOE, thread, 'Êtes-vous toujours là ?');
    expect(g.posts(thread).at(-1)!.text).toBe('⚠️ Not delivered to the person: 403 Forbidden: bot was blocked by the user');
  });

  test('relays to a WhatsApp person through the Graph API; a reply held outside the 24-hour window is posted in the topic', async () => {
    const g = await start({ env: { WHATSAPP_REENGAGE_TEMPLATE: 'relais_reprise', WHATSAPP_TEMPLATE_LANGUAGES: 'fr=fr,ar=ar' } });
    const fatima = { waId: '33612345678', name: 'Fatima' };
    await g.r.request('/webhooks/whatsapp', signedInit(webhookOf(wa.text(fatima, 'bénévole', { at: g.clock() }))));
    await g.r.settle();
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    const card = g.posts(thread)[0]!;
    expect(card.text).toContain('WhatsApp');
    expect(card.text).not.toContain('33612345678');
    expect(fake.topics(GROUP)[0]!.name).not.toContain('Fatima');

    await g.write(BRUNO, thread, 'Bonjour Fatima, ici Bruno.');
    const texts = () => graph.sent().map((c) => (c.body.text as { body?: string } | undefined)?.body);
    expect(texts()).toContain('Bonjour Fatima, ici Bruno.');

    // Her answer reaches the topic.
    await g.r.request('/webhooks/whatsapp', signedInit(webhookOf(wa.text(fatima, 'Merci, je suis à Orly', { at: g.clock() }))));
    await g.r.settle();
    expect(g.posts(thread).map((p) => p.text).join('\n')).toContain('👤 Merci, je suis à Orly');

    // 25 hours later WhatsApp no longer takes a free message: held, she is invited, the group is told.
    g.advance(25 * 3_600_000);
    await g.write(BRUNO, thread, 'Avez-vous des nouvelles ?');
    expect(texts()).not.toContain('Avez-vous des nouvelles ?');
    expect(graph.sent().at(-1)!.body.type).toBe('template');
    expect(g.posts(thread).at(-1)!.text).toMatch(/^⏸ Not delivered yet to the person/);
  });

  test('/note keeps an internal note, never sent to the person; media from a member are refused in the topic', async () => {
    const g = await start();
    const chat = 910_301;
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    const toPerson = g.sentTo(chat).length;

    const { messageId } = await g.write(CHLOE, thread, '/note Frère à Roissy, terminal 2');
    const view = (await g.r.relais.handoff.view(caseId))!;
    expect(view.messages.at(-1)).toMatchObject({ author: 'note', text: 'Frère à Roissy, terminal 2' });
    expect(view.case.claimedBy).toBeNull();
    expect(fake.succeeded('setMessageReaction')).toContainEqual({ chat_id: GROUP, message_id: messageId, reaction: [{ type: 'emoji', emoji: '✍' }] });
    const empty = await g.write(CHLOE, thread, '/note');
    expect(g.posts(thread).at(-1)).toMatchObject({ replyTo: empty.messageId, text: expect.stringContaining('Write the note after the command') });

    const photo = u.topicMedia(nextUpdateId(), GROUP, thread, CHLOE, 'photo');
    await g.send(photo);
    expect(g.posts(thread).at(-1)).toMatchObject({ replyTo: photo.message.message_id, text: expect.stringContaining('only text reaches the person') });
    const other = await g.write(CHLOE, thread, '/start');
    expect(g.posts(thread).at(-1)).toMatchObject({ replyTo: other.messageId, text: expect.stringContaining('/start is not a command here') });
    expect(g.sentTo(chat)).toHaveLength(toPerson);
    // A note from the console is posted in the topic.
    const [coordinator] = await g.r.db.insert(volunteers).values({ name: 'Eva', email: 'eva@example.org', role: 'coordinator', languages: ['fr'] }).returning();
    const eva: Actor = { id: coordinator!.id, name: 'Eva', role: 'coordinator', languages: ['fr'] };
    await g.r.relais.handoff.note(caseId, eva, 'Appeler l’avocat de permanence');
    await g.r.settle();
    expect(g.posts(thread).at(-1)!.text).toBe('📝 Note by Eva: Appeler l’avocat de permanence');
  });

  test('closing from the group asks how it ended, tells the person in their language and closes the topic; reopening reopens it', async () => {
    const g = await start();
    const chat = 910_401;
    await g.person(chat, 'volunteer', 'en');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    await g.tap(BRUNO, `c:claim:${caseId}`, thread);

    // First tap: how did it end? (the card's keyboard becomes the outcomes; nothing is closed yet)
    const asked = await g.tap(BRUNO, `c:close:${caseId}`, thread);
    expect(asked.answer).toMatchObject({ text: 'How did it end? The person is told as soon as you choose.' });
    const outcomes = fake.succeeded('editMessageReplyMarkup').at(-1)!;
    expect(outcomes).toMatchObject({ chat_id: GROUP, message_id: asked.message.messageId });
    const offered = (outcomes.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard.flat().map((b) => b.callback_data);
    expect(offered).toEqual([
      `c:close:${caseId}:information-given`,
      `c:close:${caseId}:referred-to-lawyer`,
      `c:close:${caseId}:asylum-interview-support`,
      `c:close:${caseId}:no-answer`,
      `c:close:${caseId}:other`,
      `c:back:${caseId}`,
    ]);
    expect((await g.r.relais.handoff.view(caseId))!.case.status).toBe('claimed');

    const close = u.groupCallback(nextUpdateId(), GROUP, BRUNO, `c:close:${caseId}:information-given`, asked.message.messageId, thread);
    await g.send(close);
    expect(fake.succeeded('answerCallbackQuery').at(-1)).toMatchObject({ callback_query_id: close.callback_query.id, text: `Case #${caseId} closed. The person was told.` });
    expect(g.sentTo(chat).at(-1)).toBe(content.text('en', 'case.closed'));
    expect((await g.r.relais.handoff.view(caseId))!.case).toMatchObject({ status: 'closed', outcome: 'information-given' });
    expect(fake.topics(GROUP)[0]!.closed).toBe(true);
    const closing = g.posts(thread).at(-1)!;
    expect(closing.text).toBe('✔ Closed by Bruno Lefèvre: Information given. The person was told; the bot answers them again.');
    expect(buttonsOf(closing)).toEqual([`c:reopen:${caseId}`]);
    // The card has its own buttons back.
    expect(fake.succeeded('editMessageReplyMarkup').at(-1)).toMatchObject({ message_id: asked.message.messageId, reply_markup: { inline_keyboard: [[{ callback_data: `c:claim:${caseId}` }, { callback_data: `c:release:${caseId}` }], [{ callback_data: `c:close:${caseId}` }]] } });

    const reopened = await g.tap(CHLOE, `c:reopen:${caseId}`, thread);
    expect(reopened.answer).toMatchObject({ text: `Case #${caseId} reopened: it is back in the queue.` });
    expect((await g.r.relais.handoff.view(caseId))!.case).toMatchObject({ status: 'open', claimedBy: null });
    expect(fake.topics(GROUP)[0]).toMatchObject({ closed: false, name: `#${caseId} · en` });
    expect(g.posts(thread).at(-1)).toMatchObject({ text: `↺ Reopened by Chloé: back in the queue.` });
  });

  test('closing and reopening from the console close and reopen the topic', async () => {
    const g = await start();
    const chat = 910_501;
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    const [row] = await g.r.db.insert(volunteers).values({ name: 'Eva', email: 'eva@example.org', role: 'volunteer', languages: ['fr'] }).returning();
    const eva: Actor = { id: row!.id, name: 'Eva', role: 'volunteer', languages: ['fr'] };
    await g.r.relais.handoff.claim(caseId, eva);
    await g.r.relais.handoff.reply(caseId, eva, { text: 'Bonjour, ici Eva.' });
    await g.r.settle();
    expect(g.posts(thread).map((p) => p.text)).toEqual(expect.arrayContaining(['✋ Eva took the case.', '💬 Eva (console) → person:\nBonjour, ici Eva.']));
    expect(fake.topics(GROUP)[0]!.name).toBe(`#${caseId} · fr · ✋ Eva`);

    expect((await g.r.relais.handoff.close(caseId, 'referred-to-lawyer', eva)).status).toBe('closed');
    await g.r.settle();
    expect(g.sentTo(chat).at(-1)).toBe(content.text('fr', 'case.closed'));
    expect(fake.topics(GROUP)[0]!.closed).toBe(true);
    expect(g.posts(thread).at(-1)!.text).toBe('✔ Closed by Eva: Referred to a lawyer. The person was told; the bot answers them again.');
    // A member writing in the closed topic (an admin can) is told, and nothing is sent.
    const before = g.sentTo(chat).length;
    await g.write(BRUNO, thread, 'Encore une chose');
    expect(g.posts(thread).at(-1)!.text).toContain(`case #${caseId} is closed`);
    expect(g.sentTo(chat)).toHaveLength(before);

    expect((await g.r.relais.handoff.reopen(caseId)).status).toBe('reopened');
    await g.r.settle();
    expect(fake.topics(GROUP)[0]).toMatchObject({ closed: false, name: `#${caseId} · fr` });
    expect(g.posts(thread).at(-1)).toMatchObject({ text: '↺ Reopened: back in the queue.' });
    expect(buttonsOf(g.posts(thread).at(-1))).toEqual([`c:claim:${caseId}`, `c:release:${caseId}`, `c:close:${caseId}`]);
  });

  test('a burst of 30 cases: every topic and card posted, never more than 20 calls to the group in any 60 seconds, later lines joining the posts that wait', async () => {
    const g = await start();
    const WRITES = new Set(['sendMessage', 'createForumTopic', 'editForumTopic', 'closeForumTopic', 'reopenForumTopic', 'deleteForumTopic', 'editMessageText', 'editMessageReplyMarkup', 'setMessageReaction']);
    const at: number[] = [];
    let seen = 0;
    /** Runs `step` at the current clock and notes the time of each call it made to the group. */
    const timed = async (step: () => Promise<unknown>) => {
      await step();
      for (const call of fake.calls.slice(seen)) if (WRITES.has(call.method) && String(call.payload.chat_id) === String(GROUP)) at.push(g.clock().getTime());
      seen = fake.calls.length;
    };

    const chats = Array.from({ length: 30 }, (_, i) => 920_000 + i);
    for (const chat of chats) await timed(() => g.person(chat, 'bénévole'));
    // The last person writes twice more while their case's first post still waits its turn.
    await timed(() => g.person(chats[29]!, 'Je suis à Roissy, terminal 2'));
    await timed(() => g.person(chats[29]!, 'Aidez-moi vite'));
    const lastCase = await g.lastCase();
    const waiting = await g.r.db.select().from(outbox).where(eq(outbox.caseId, lastCase));
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.status).toBe('pending');
    expect(waiting[0]!.payload.casePost!.steps).toEqual([{ do: 'say', text: '👤 Je suis à Roissy, terminal 2\n👤 Aidez-moi vite' }]);

    // Time goes by, five seconds at a time; the sweep delivers what is due.
    for (let i = 0; i < 120 && fake.topics(GROUP).length + g.posts().length < 61; i++) {
      g.advance(5_000);
      await timed(() => g.r.sweep());
    }

    const topics = fake.topics(GROUP);
    expect(topics).toHaveLength(30);
    const cards = g.posts().filter((p) => p.text.startsWith('Case #'));
    expect(cards).toHaveLength(30);
    for (const card of cards) expect(buttonsOf(card)).toHaveLength(3);
    expect(g.posts(topics[29]!.threadId).map((p) => p.text)).toEqual([expect.stringMatching(/^Case #/), '👤 Je suis à Roissy, terminal 2\n👤 Aidez-moi vite']);
    // Never dropped, never given up: every post went, on its first counted attempt.
    const rows = await g.r.db.select().from(outbox).where(eq(outbox.channel, 'telegram-group'));
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'sent'));
    expect(Math.max(...rows.map((r) => r.attempts))).toBe(1);

    expect(at).toHaveLength(61);
    let busiest = 0;
    for (const start of at) busiest = Math.max(busiest, at.filter((t) => t >= start && t < start + 60_000).length);
    expect(busiest).toBeLessThanOrEqual(20);
    // …and it kept going at the limit rather than idling: about three minutes for 61 calls.
    expect(at.at(-1)! - at[0]!).toBeLessThan(4 * 60_000);
  });

  test('a group where the bot may not manage topics: a clear warning, posts held (never dropped), cases still worked from the console, everything posted once the bot is promoted', async () => {
    const g = await start({ bot: { bot: { status: 'member', canManageTopics: false } } });
    const check = await g.r.relais.volunteersGroup!.check();
    expect(check).toMatchObject({ status: 'not-admin', problem: expect.stringContaining('make it an admin allowed to manage topics') });
    expect(g.r.logs.some((line) => line.includes('telegram.group_unusable'))).toBe(true);

    const chat = 910_601;
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    expect(fake.topics(GROUP)).toEqual([]);
    const [held] = await g.r.db.select().from(outbox).where(eq(outbox.caseId, caseId));
    expect(held).toMatchObject({ status: 'held', lastError: expect.stringContaining('not enough rights to create a topic') });
    expect(await g.r.relais.volunteersGroup!.status()).toMatchObject({ status: 'refused' });

    // The console's queue says so, and labels the group's held post for what it waits for.
    const coordinator = await signedIn(g.r, { role: 'coordinator' }, g.clock());
    const queue = await (await g.r.request('/console', { headers: { cookie: coordinator.cookie } })).text();
    expect(queue).toContain('The volunteers’ Telegram group cannot be used:');
    expect(queue).toContain('held (waiting for the bot’s rights in the volunteers’ group)');

    // The console works the case meanwhile.
    const [row] = await g.r.db.insert(volunteers).values({ name: 'Eva', email: 'eva@example.org', languages: ['fr'] }).returning();
    const eva: Actor = { id: row!.id, name: 'Eva', role: 'volunteer', languages: ['fr'] };
    await g.r.relais.handoff.claim(caseId, eva);
    await g.r.relais.handoff.reply(caseId, eva, { text: 'Bonjour, ici Eva.' });
    await g.r.settle();
    expect(g.sentTo(chat).at(-1)).toBe('Bonjour, ici Eva.');
    await g.r.sweep();
    expect(fake.topics(GROUP)).toEqual([]);

    // An admin makes the bot an admin allowed to manage topics: Telegram tells the bot.
    fake.setBotRights(GROUP, { status: 'administrator', canManageTopics: true });
    await g.send(u.botInGroup(nextUpdateId(), GROUP, 'administrator'));
    expect(await g.r.relais.volunteersGroup!.status()).toMatchObject({ status: 'ok', title: 'Volunteers' });
    expect(await (await g.r.request('/console', { headers: { cookie: coordinator.cookie } })).text()).not.toContain('Telegram group cannot be used');
    const [topic] = fake.topics(GROUP);
    expect(topic!.name).toBe(`#${caseId} · fr · ✋ Eva`);
    expect(g.posts(topic!.threadId).map((p) => p.text)).toEqual([
      expect.stringContaining('Held by Eva.'),
      '✋ Eva took the case.\n💬 Eva (console) → person:\nBonjour, ici Eva.',
    ]);
    expect((await g.r.db.select().from(outbox).where(eq(outbox.channel, 'telegram-group'))).map((r) => r.status)).toEqual(['sent']);
  });

  test('the bot missing from the group, or a group without topics, is a warning, not a failure', async () => {
    const g = await start({ bot: { bot: { status: 'left', canManageTopics: false } } });
    expect(await g.r.relais.volunteersGroup!.check()).toMatchObject({ status: 'missing' });
    fake.addGroup(GROUP, { isForum: false });
    expect(await g.r.relais.volunteersGroup!.check()).toMatchObject({ status: 'not-forum', problem: expect.stringContaining('turn Topics on') });
    fake.addGroup(GROUP, { bot: { status: 'administrator', canManageTopics: false } });
    expect(await g.r.relais.volunteersGroup!.check()).toMatchObject({ status: 'no-topic-rights', problem: expect.stringContaining('Manage topics') });
    fake.addGroup(GROUP);
    expect(await g.r.relais.volunteersGroup!.check()).toEqual({ status: 'ok', title: 'Volunteers' });
  });

  test('ignores other groups, and the group’s own chatter; acts once on a retried update', async () => {
    const g = await start();
    const chat = 910_701;
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    const calls = fake.calls.length;
    const peopleBefore = await g.r.db.select().from(people);

    // Another group the bot was added to, the General topic, a topic members made themselves.
    await g.send(u.groupText(nextUpdateId(), -100_999, BRUNO.id, 'bonjour'));
    await g.send(u.topicText(nextUpdateId(), -100_999, thread, BRUNO, 'hello'));
    const general = u.groupText(nextUpdateId(), GROUP, BRUNO.id, 'Qui prend le #1 ?') as ReturnType<typeof u.groupText> & { message: { chat: Record<string, unknown> } };
    await g.send(general);
    await g.write(BRUNO, 424_242, 'un sujet à nous');
    expect(fake.calls.slice(calls).map((c) => c.method)).toEqual([]);
    expect(await g.r.db.select().from(people)).toEqual(peopleBefore);
    expect((await g.r.relais.handoff.view(caseId))!.case.claimedBy).toBeNull();

    // Telegram sends an update again (no answer in time): the reply goes once.
    const reply = u.topicText(nextUpdateId(), GROUP, thread, BRUNO, 'Bonjour, une seule fois');
    await Promise.all([g.send(reply), g.send(reply)]);
    await g.send(reply);
    expect(g.sentTo(chat).filter((t) => t === 'Bonjour, une seule fois')).toHaveLength(1);
  });

  test('a case that becomes urgent, or waits too long, is announced again; the card follows the intake', async () => {
    const g = await start({ env: { HANDOFF_REMIND_MINUTES: '30' } });
    const chat = 910_801;
    await g.person(chat, '/start zone-attente');
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;

    g.advance(31 * 60_000);
    await g.r.sweep();
    const reminder = g.posts(thread).at(-1)!;
    expect(reminder.text).toBe('⏰ Open for 31 min and nobody has taken it.');
    expect(buttonsOf(reminder)).toContain(`c:claim:${caseId}`);
    await g.r.sweep();
    expect(g.posts(thread).at(-1)).toEqual(reminder);

    // The intake, by its buttons: Roissy, a flight tomorrow at 14:00 (within 48 hours: urgent), consent.
    const choose = async (data: string) => {
      const keyboard = fake.sent().filter((m) => m.chatId === String(chat) && m.replyMarkup).at(-1)!;
      expect(buttonsOf(keyboard)).toContain(data);
      await g.send(u.callback(nextUpdateId(), chat, data, keyboard.messageId, 'fr'));
    };
    await choose('c:in:zone:roissy');
    await choose('c:in:deadline:flight');
    await choose('c:in:day:tomorrow');
    await g.person(chat, '14h');
    await choose('c:in:consent:yes');
    const row = await g.caseRow(caseId);
    expect(row.urgent).toBe(true);
    expect(fake.topics(GROUP)[0]!.name).toBe(`🔴 #${caseId} · fr · Roissy`);
    const said = g.posts(thread).map((p) => p.text);
    expect(said).toContain('🔴 Now urgent.');
    // The card's message was rendered again with what the intake learnt.
    const edited = fake.succeeded('editMessageText').filter((e) => e.message_id === row.telegramCardMessageId).at(-1);
    expect(edited?.text).toEqual(expect.stringContaining('Where: waiting zone — Roissy'));
    expect(edited?.text).toEqual(expect.stringContaining('🔴 URGENT'));
  });

  test('a person erasing their data takes the case’s topic with it', async () => {
    const g = await start();
    const chat = 910_901;
    await g.person(chat, 'bénévole');
    const caseId = await g.lastCase();
    const thread = (await g.caseRow(caseId)).telegramThreadId!;
    await g.person(chat, '/effacer');
    const confirm = fake.sent().filter((m) => m.chatId === String(chat) && m.replyMarkup).at(-1)!;
    const yes = confirm.replyMarkup!.inline_keyboard.flat().find((b) => b.callback_data?.includes('yes'))!.callback_data!;
    await g.send(u.callback(nextUpdateId(), chat, yes, confirm.messageId, 'fr'));
    expect(await g.r.db.select().from(cases)).toEqual([]);
    expect(fake.topics(GROUP).find((t) => t.threadId === thread)!.deleted).toBe(true);
    expect(await g.r.db.select().from(outbox).where(and(eq(outbox.channel, 'telegram-group'), eq(outbox.status, 'pending')))).toEqual([]);
  });
});
