import { and, asc, desc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import type { ChannelName, InboundMessage } from '../core/messages.js';
import { rowsOf, type DbOrTx } from '../storage/database.js';
import { inboundEvents, people } from '../storage/schema.js';

/**
 * The `inbound_events` table's only owner: every update a platform sent, unique per channel and
 * external id (a retried webhook is a no-op), kept with its neutral message until applied.
 */

export type InboundEvent = typeof inboundEvents.$inferSelect;

/**
 * Records messages in one statement; returns those that were new (a duplicate is skipped). The rows
 * travel as one JSON parameter: the statement's text is the same for any number of messages, so it
 * stays prepared, and nothing is built per row (drizzle's VALUES list cost ~0.1 ms per webhook).
 */
export async function recordEvents(
  db: DbOrTx,
  batch: InboundMessage[],
): Promise<{ id: number; channel: ChannelName; personKey: string }[]> {
  if (batch.length === 0) return [];
  const rows = JSON.stringify(batch.map((m) => ({ channel: m.channel, external_id: m.externalId, person_key: m.personKey, payload: m })));
  const result = await db.execute(sql`
    insert into ${inboundEvents} (channel, external_id, person_key, payload)
    select v.channel, v.external_id, v.person_key, v.payload
    from jsonb_to_recordset(${rows}::jsonb) as v(channel text, external_id text, person_key text, payload jsonb)
    on conflict (channel, external_id) do nothing
    returning id, channel, person_key`);
  return rowsOf<{ id: string | number; channel: ChannelName; person_key: string }>(result).map((r) => ({
    id: Number(r.id),
    channel: r.channel,
    personKey: r.person_key,
  }));
}

/**
 * Stores a dedupe key for a platform event that is not a message (a WhatsApp status): true if new.
 * Kept like a message's key, then purged after the same delay.
 */
export async function firstSeen(db: DbOrTx, channel: ChannelName, externalId: string, at: Date): Promise<boolean> {
  const rows = await db
    .insert(inboundEvents)
    .values({ channel, externalId, personKey: '', status: 'processed', processedAt: at })
    .onConflictDoNothing({ target: [inboundEvents.channel, inboundEvents.externalId] })
    .returning({ id: inboundEvents.id });
  return rows.length > 0;
}

/**
 * Forgets a key `firstSeen` stored, when what it guarded failed before it was done: the platform
 * sends the event again (it got an error), and the retry must then be handled, not skipped.
 */
export async function forgetSeen(db: DbOrTx, channel: ChannelName, externalId: string): Promise<void> {
  await db
    .delete(inboundEvents)
    .where(and(eq(inboundEvents.channel, channel), eq(inboundEvents.externalId, externalId), eq(inboundEvents.personKey, '')));
}

/** The people with events still waiting, from a list of event ids or (no ids) from the whole table. */
export async function peopleWaiting(
  db: DbOrTx,
  options: { eventIds?: number[]; limit?: number },
): Promise<{ channel: ChannelName; personKey: string }[]> {
  const waiting = eq(inboundEvents.status, 'received');
  const query = db
    .selectDistinct({ channel: inboundEvents.channel, personKey: inboundEvents.personKey })
    .from(inboundEvents)
    .where(
      options.eventIds
        ? and(inArray(inboundEvents.id, options.eventIds), waiting)
        : and(waiting, ne(inboundEvents.personKey, '')),
    );
  return options.limit ? query.limit(options.limit) : query;
}

/**
 * Every waiting event of these people, oldest first. Read under the people's row locks (which every
 * processor takes first), so no other processor applies them meanwhile.
 */
export async function waitingEventsOf(tx: DbOrTx, keys: { channel: ChannelName; personKey: string }[]): Promise<InboundEvent[]> {
  if (keys.length === 0) return [];
  const byChannel = new Map<ChannelName, string[]>();
  for (const k of keys) byChannel.set(k.channel, [...(byChannel.get(k.channel) ?? []), k.personKey]);
  return tx
    .select()
    .from(inboundEvents)
    .where(
      and(
        eq(inboundEvents.status, 'received'),
        or(...[...byChannel].map(([channel, personKeys]) => and(eq(inboundEvents.channel, channel), inArray(inboundEvents.personKey, personKeys)))),
      ),
    )
    .orderBy(asc(inboundEvents.id));
}

/** Applied, many at once: only the dedupe keys are kept. */
export async function markAppliedMany(tx: DbOrTx, eventIds: number[], at: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await tx
    .update(inboundEvents)
    .set({ status: 'processed', payload: null, processedAt: at, attempts: sql`${inboundEvents.attempts} + 1` })
    .where(inArray(inboundEvents.id, eventIds));
}

/** The person's oldest two waiting events, locked: the second says whether to come round again. */
export async function oldestWaiting(tx: DbOrTx, channel: ChannelName, personKey: string): Promise<InboundEvent[]> {
  return tx
    .select()
    .from(inboundEvents)
    .where(and(eq(inboundEvents.channel, channel), eq(inboundEvents.personKey, personKey), eq(inboundEvents.status, 'received')))
    .orderBy(asc(inboundEvents.id))
    .limit(2)
    .for('update');
}

/** Applied: the neutral message may hold text, so only the dedupe key is kept. */
export async function markApplied(tx: DbOrTx, eventId: number, at: Date): Promise<void> {
  await tx
    .update(inboundEvents)
    .set({ status: 'processed', payload: null, processedAt: at, attempts: sql`${inboundEvents.attempts} + 1` })
    .where(eq(inboundEvents.id, eventId));
}

/**
 * Processing the person's oldest waiting event failed: count the attempt, and set it aside after
 * `maxAttempts` so that the person's later messages still get answers. Returns the event and its count.
 */
export async function noteFailedAttempt(
  db: DbOrTx,
  channel: ChannelName,
  personKey: string,
  reason: string,
  maxAttempts: number,
): Promise<{ id: number; attempts: number } | undefined> {
  const [oldest] = await db
    .select({ id: inboundEvents.id, attempts: inboundEvents.attempts })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.channel, channel), eq(inboundEvents.personKey, personKey), eq(inboundEvents.status, 'received')))
    .orderBy(asc(inboundEvents.id))
    .limit(1);
  if (!oldest) return undefined;
  const attempts = oldest.attempts + 1;
  await db
    .update(inboundEvents)
    .set({ attempts, lastError: reason.slice(0, 500), ...(attempts >= maxAttempts ? { status: 'failed' as const } : {}) })
    .where(eq(inboundEvents.id, oldest.id));
  return { id: oldest.id, attempts };
}

/** The engine failed on this event inside a batch: count the attempt; set it aside after the last. */
export async function noteAttemptIn(tx: DbOrTx, eventId: number, error: unknown, maxAttempts: number): Promise<void> {
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  await tx
    .update(inboundEvents)
    .set({
      attempts: sql`${inboundEvents.attempts} + 1`,
      lastError: reason,
      status: sql`case when ${inboundEvents.attempts} + 1 >= ${maxAttempts} then 'failed' else 'received' end`,
    })
    .where(eq(inboundEvents.id, eventId));
}

/** An event that cannot be applied at all (no payload): set aside at once. */
export async function setAside(tx: DbOrTx, eventId: number, reason: string): Promise<void> {
  await tx.update(inboundEvents).set({ status: 'failed', lastError: reason }).where(eq(inboundEvents.id, eventId));
}

/**
 * "Delete my data": dedupe keys stay (a retried webhook must not replay) but no longer point at the
 * person. Events not yet applied (the person kept writing) are left to be answered.
 */
export async function forgetEventsOf(tx: DbOrTx, channel: ChannelName, personKey: string, currentEventId: number): Promise<void> {
  await tx
    .update(inboundEvents)
    .set({ personKey: '', lastError: null })
    .where(
      and(
        eq(inboundEvents.channel, channel),
        eq(inboundEvents.personKey, personKey),
        or(ne(inboundEvents.status, 'received'), eq(inboundEvents.id, currentEventId)),
      ),
    );
}

/** Messages received that could not be applied after several attempts: kept, with their text, for a human. */
export async function listUnprocessed(db: DbOrTx, limit = 200) {
  return db
    .select({
      id: inboundEvents.id,
      channel: inboundEvents.channel,
      personId: people.id,
      payload: inboundEvents.payload,
      lastError: inboundEvents.lastError,
      receivedAt: inboundEvents.receivedAt,
    })
    .from(inboundEvents)
    .leftJoin(people, and(eq(people.channel, inboundEvents.channel), eq(people.externalKey, inboundEvents.personKey)))
    .where(eq(inboundEvents.status, 'failed'))
    .orderBy(desc(inboundEvents.id))
    .limit(limit);
}

/** WhatsApp retries a webhook for 7 days: dedupe keys are kept a day longer, then dropped. */
export const DEDUPE_KEEP_DAYS = 8;

/** Dedupe keys of settled events received before `cutoff` go. */
export async function purgeDedupeKeys(db: DbOrTx, cutoff: Date): Promise<number> {
  const rows = await db
    .delete(inboundEvents)
    .where(and(or(eq(inboundEvents.status, 'processed'), eq(inboundEvents.status, 'failed')), lt(inboundEvents.receivedAt, cutoff)))
    .returning({ id: inboundEvents.id });
  return rows.length;
}
