import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { DatabaseHandle } from '../storage/database.js';
import { groupRecipient } from '../people/people.js';
import { purgeExpired } from './retention.js';
import { cases, conversations, dailyCounts, inboundEvents, messages, outbox, people } from '../storage/schema.js';

const DAY = 86_400_000;
const now = new Date('2026-11-28T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);

describe('purgeExpired', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await freshDatabase();
  });

  async function person(key: string, lastInboundAt: Date) {
    const [p] = await handle.db.insert(people).values({ channel: 'telegram', externalKey: key, lastInboundAt }).returning();
    const [c] = await handle.db.insert(conversations).values({ personId: p!.id, state: { a: 1 } }).returning();
    await handle.db.insert(messages).values({ conversationId: c!.id, author: 'person', text: 'private words' });
    return p!.id;
  }

  it('removes people silent past the retention with everything attached, unless something is still open', async () => {
    const silent = await person('silent', daysAgo(120));
    const recent = await person('recent', daysAgo(3));
    const waiting = await person('waiting', daysAgo(120));
    await handle.db.insert(cases).values({ personId: waiting, reason: 'asked', status: 'open' });
    const undelivered = await person('undelivered', daysAgo(120));
    await handle.db.insert(outbox).values({
      personId: undelivered,
      channel: 'telegram',
      status: 'held',
      payload: { message: { kind: 'text', text: 'x' }, locale: 'fr', direction: 'ltr' },
    });
    await handle.db.insert(dailyCounts).values({ day: '2026-07-01', metric: 'message.in', channel: 'telegram', locale: 'fr', count: 4 });

    const report = await purgeExpired(handle.db, now, 90);

    expect(report.people).toBe(1);
    const left = await handle.db.select({ id: people.id }).from(people).orderBy(asc(people.id));
    expect(left.map((p) => p.id)).toEqual([recent, waiting, undelivered]);
    expect(left.map((p) => p.id)).not.toContain(silent);
    // The transcript went with the person; the anonymous counts stay.
    expect(await handle.db.select().from(messages)).toHaveLength(3);
    expect(await handle.db.select().from(dailyCounts)).toHaveLength(1);
  });

  it('removes closed cases after the retention and dedupe keys after eight days', async () => {
    const p = await person('active', daysAgo(1));
    await handle.db.insert(cases).values([
      { personId: p, reason: 'asked', status: 'closed', closedAt: daysAgo(100) },
      { personId: p, reason: 'asked', status: 'closed', closedAt: daysAgo(10) },
    ]);
    await handle.db.insert(inboundEvents).values([
      { channel: 'telegram', externalId: 'old', personKey: 'active', status: 'processed', receivedAt: daysAgo(9) },
      { channel: 'telegram', externalId: 'new', personKey: 'active', status: 'processed', receivedAt: daysAgo(2) },
      { channel: 'telegram', externalId: 'waiting', personKey: 'active', status: 'received', receivedAt: daysAgo(9) },
    ]);
    expect(await purgeExpired(handle.db, now, 90)).toEqual({ people: 0, closedCases: 1, inboundEvents: 1 });
    const events = await handle.db.select({ id: inboundEvents.externalId }).from(inboundEvents).orderBy(asc(inboundEvents.id));
    expect(events.map((e) => e.id)).toEqual(['new', 'waiting']);
  });

  it('never removes the volunteers’ group’s row; the group’s copies of a person’s words go with the case', async () => {
    const group = await handle.db.transaction((tx) => groupRecipient(tx, '-1001234'));
    await handle.db.update(people).set({ createdAt: daysAgo(400) }).where(eq(people.id, group));
    const gone = await person('gone', daysAgo(120));
    const [kase] = await handle.db.insert(cases).values({ personId: gone, reason: 'asked', status: 'closed', closedAt: daysAgo(100) }).returning();
    const post = { message: { kind: 'text' as const, text: 'case #1' }, locale: 'fr' as const, direction: 'ltr' as const };
    await handle.db.insert(outbox).values([
      { personId: group, channel: 'telegram-group', caseId: kase!.id, status: 'sent', payload: { ...post, casePost: { caseId: kase!.id, steps: [{ do: 'say', text: '👤 private words' }] } } },
      { personId: group, channel: 'telegram-group', status: 'sent', payload: post },
    ]);

    expect(await purgeExpired(handle.db, now, 90)).toMatchObject({ people: 1 });
    expect((await handle.db.select({ id: people.id }).from(people)).map((p) => p.id)).toEqual([group]);
    const left = await handle.db.select().from(outbox);
    expect(left).toHaveLength(1);
    expect(left[0]!.caseId).toBeNull();
  });
});
