import { and, asc, eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { WebReply } from '../../src/channels/web/index.js';
import { parseConfig } from '../../src/config/config.js';
import { loadContent } from '../../src/content/index.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase } from '../../src/storage/database.js';
import { cases, conversations, dailyCounts, inboundEvents, messages, people } from '../../src/storage/schema.js';
import { startRelais, type TestRelais } from '../support/relais.js';
import { signedIn } from '../console/helpers.js';

/**
 * The inbox pipeline end to end through the local web chat (the channel with no far side): record,
 * apply in order per person in one transaction, deliver through the outbox, erase on request.
 */

let relais: TestRelais;
let counter = 0;

async function post(session: string, body: Record<string, unknown>, id = `m${++counter}xxxxxx`) {
  return relais.request('/chat/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session, id, ...body }),
  });
}

async function replies(session: string, after = 0): Promise<WebReply[]> {
  const res = await relais.request(`/chat/api/messages?session=${session}&after=${after}`);
  return ((await res.json()) as { replies: WebReply[] }).replies;
}

async function conversationOf(session: string) {
  const [row] = await relais.db
    .select({ id: conversations.id, version: conversations.version, personId: people.id })
    .from(conversations)
    .innerJoin(people, eq(people.id, conversations.personId))
    .where(and(eq(people.channel, 'web'), eq(people.externalKey, session)));
  return row!;
}

describe('inbox', () => {
  beforeEach(async () => {
    relais = await startRelais();
  });

  it('answers a first message in the browser language, with the state and transcript committed', async () => {
    const res = await post('session-first', { start: '', language: 'en-GB' });
    expect(res.status).toBe(200);
    const got = await replies('session-first');
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((r) => r.payload.locale === 'en')).toBe(true);
    const conversation = await conversationOf('session-first');
    expect(conversation.version).toBe(1);
    const transcript = await relais.db
      .select({ author: messages.author })
      .from(messages)
      .where(eq(messages.conversationId, conversation.id))
      .orderBy(asc(messages.id));
    expect(transcript[0]!.author).toBe('person');
    expect(transcript.slice(1).every((m) => m.author === 'bot')).toBe(true);
    expect(transcript.length - 1).toBe(got.length);
  });

  it('treats a repeated message id as a no-op: one answer only', async () => {
    await post('session-dupe', { start: '', language: 'fr' }, 'same-id-123');
    const first = await replies('session-dupe');
    const again = await post('session-dupe', { start: '', language: 'fr' }, 'same-id-123');
    expect(again.status).toBe(200);
    expect(await replies('session-dupe')).toEqual(first);
    expect((await conversationOf('session-dupe')).version).toBe(1);
  });

  it('applies concurrent messages from one person one at a time, in the order received', async () => {
    await post('session-race', { start: '', language: 'fr' });
    const texts = ['asile', 'menu', 'mineur', 'avocat', 'retour', 'frontière'];
    // Record them in a known order, then let several processors race for them.
    const recorded = await relais.relais.inbox.record(
      texts.map((text, i) => ({
        channel: 'web' as const,
        externalId: `race-${i}`,
        personKey: 'session-race',
        receivedAt: new Date(),
        body: { kind: 'text' as const, text },
      })),
    );
    await Promise.all(recorded.recorded.map((event) => relais.relais.inbox.process([event])));

    const conversation = await conversationOf('session-race');
    expect(conversation.version).toBe(1 + texts.length);
    const said = await relais.db
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.author, 'person')))
      .orderBy(asc(messages.id));
    expect(said.map((m) => m.text).slice(1)).toEqual(texts);
    const waiting = await relais.db.select().from(inboundEvents).where(eq(inboundEvents.status, 'received'));
    expect(waiting).toEqual([]);
  });

  it('keeps an event recorded but not processed until the sweep applies it', async () => {
    const { recorded } = await relais.relais.inbox.record([
      { channel: 'web', externalId: 'crash-1', personKey: 'session-crash', receivedAt: new Date(), body: { kind: 'text', text: 'asile' } },
    ]);
    expect(recorded).toHaveLength(1);
    // The process that recorded it died before processing: nothing answered yet.
    expect(await replies('session-crash')).toEqual([]);
    const report = await relais.sweep();
    expect(report.inboundPeople).toBe(1);
    expect((await replies('session-crash')).length).toBeGreaterThan(0);
    const [event] = await relais.db.select().from(inboundEvents).where(eq(inboundEvents.externalId, 'crash-1'));
    // Applied, and the text is no longer kept in the event.
    expect(event).toMatchObject({ status: 'processed', payload: null });
  });

  it('opens one case for a volunteer, marked urgent when a deadline is close', async () => {
    await post('session-help', { start: '', language: 'fr' });
    await post('session-help', { command: 'volunteer' });
    let open = await relais.db.select().from(cases);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ status: 'open', urgent: false, locale: 'fr' });

    await post('session-help', { text: "Mon frère a son audience demain matin, c'est urgent" });
    open = await relais.db.select().from(cases);
    expect(open).toHaveLength(1);
    expect(open[0]!.urgent).toBe(true);

    const { cookie } = await signedIn(relais);
    const page = await relais.request('/console', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('URGENT');
  });

  it('erases the transcript and cases on confirmation, keeping only anonymous counts', async () => {
    await post('session-erase', { start: '', language: 'fr' });
    await post('session-erase', { text: 'asile' });
    await post('session-erase', { command: 'volunteer' });
    const before = await replies('session-erase');
    await post('session-erase', { command: 'erase' });
    const ask = (await replies('session-erase', before.at(-1)!.id)).at(-1)!;
    expect(ask.payload.message.kind).toBe('choices');
    const yes = ask.payload.message.kind === 'choices' ? ask.payload.message.choices.find((c) => c.id === 'erase:yes') : undefined;
    expect(yes).toBeDefined();
    await post('session-erase', { choice: yes!.id });

    const conversation = await conversationOf('session-erase');
    const left = await relais.db.select().from(messages).where(eq(messages.conversationId, conversation.id));
    // Only the confirmation itself, written after the erasure.
    expect(left.every((m) => m.author === 'bot')).toBe(true);
    expect(left.some((m) => m.text.includes('asile'))).toBe(false);
    expect(await relais.db.select().from(cases)).toEqual([]);
    const [person] = await relais.db.select().from(people).where(eq(people.id, conversation.personId));
    expect(person!.locale).toBeNull();
    const events = await relais.db
      .select({ n: sql<number>`count(*)::int` })
      .from(inboundEvents)
      .where(eq(inboundEvents.personKey, 'session-erase'));
    expect(events[0]!.n).toBe(0);
    const counts = await relais.db.select().from(dailyCounts);
    expect(counts.some((c) => c.metric === 'conversation.started' && c.count >= 1)).toBe(true);
    // The confirmation reached the person.
    const last = await replies('session-erase');
    expect(last.length).toBeGreaterThan(0);
  });

  it('writes no message text or session id to the logs', async () => {
    await post('session-private-42', { start: '', language: 'fr' });
    await post('session-private-42', { text: 'Je suis à Menton, refus secret-phrase-xyz' });
    const logs = relais.logs.join('\n');
    expect(logs).toContain('http.request');
    expect(logs).not.toContain('secret-phrase-xyz');
    expect(logs).not.toContain('session-private-42');
  });

  it('tags every line logged for a request, delivery included, with its request id', async () => {
    const res = await post('session-tagged', { start: '', language: 'fr' });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const lines = relais.logs.map((l) => JSON.parse(l) as { event: string; requestId?: string });
    const sent = lines.filter((l) => l.event === 'outbox.sent');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((l) => l.requestId === requestId)).toBe(true);
    expect(lines.find((l) => l.event === 'http.request')?.requestId).toBe(requestId);
  });

  it('refuses a malformed web message with a reason and stores nothing', async () => {
    const res = await relais.request('/chat/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session: 'bad', text: '' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/session/);
    expect(await relais.db.select().from(inboundEvents)).toEqual([]);
  });
});

describe('health', () => {
  it('answers 200 with the database up', async () => {
    relais = await startRelais();
    const res = await relais.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  it('answers 503 when the database is down', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    const { app } = createApp({
      config: parseConfig({}),
      database,
      content: loadContent(),
      logger: createLogger('silent'),
    });
    await database.close();
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', database: { status: 'down', driver: 'pglite' } });
  });
});
