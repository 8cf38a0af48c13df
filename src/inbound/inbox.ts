import { and, asc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import {
  describeInbound,
  type ChannelName,
  type DeliverableMessage,
  type InboundMessage,
  type LocaleCode,
  type OutboundMessage,
} from '../conversation/messages.js';
import { requestHandoff } from '../handoff/cases.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import { countEvents, type CountIncrement } from '../storage/counts.js';
import type { Db, DbOrTx } from '../storage/database.js';
import { cases, conversations, inboundEvents, messages, outbox as outboxTable, people } from '../storage/schema.js';

/** What the inbox needs from the conversation engine: one pure step. */
export type RunEngine = (state: Record<string, unknown> | null, inbound: InboundMessage) => EngineStep;

export interface EngineStep {
  state: object;
  outbound: OutboundMessage[];
  locale: LocaleCode;
  direction: 'ltr' | 'rtl';
  /** The person confirmed "delete my data". */
  erase: boolean;
}

export interface InboxOptions {
  db: Db;
  outbox: Outbox;
  runEngine: RunEngine;
  logger: Logger;
  now?: () => Date;
  /** Processing attempts before an event is set aside as failed (so it does not block the person). */
  maxAttempts?: number;
}

export interface Inbox {
  record(messages: InboundMessage[]): Promise<{ recorded: number[]; duplicates: number }>;
  process(eventIds: number[]): Promise<void>;
  /** Processes every event still waiting (a crash, a failed attempt): the sweep calls it. */
  processWaiting(limit?: number): Promise<number>;
  /** Stores a dedupe key for a platform event that is not a message; true if it was new. */
  firstSeen(channel: ChannelName, externalId: string): Promise<boolean>;
}

export function createInbox(options: InboxOptions): Inbox {
  const { db, outbox, runEngine, logger } = options;
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;

  /**
   * Applies the person's oldest waiting event, in one transaction. Every processor takes the person's
   * row lock first (the upsert) and only then picks the oldest event, so two updates for one person
   * never interleave and are applied in the order they were received.
   * Returns true when the person has more waiting (come round again).
   */
  async function applyNext(channel: ChannelName, personKey: string): Promise<boolean> {
    return db.transaction(async (tx) => {
      const at = now();
      const [person] = await tx
        .insert(people)
        .values({ channel, externalKey: personKey })
        .onConflictDoUpdate({ target: [people.channel, people.externalKey], set: { channel } })
        .returning();
      // The oldest two: the second tells whether to come round again, without another query.
      const [event, next] = await tx
        .select()
        .from(inboundEvents)
        .where(
          and(
            eq(inboundEvents.channel, channel),
            eq(inboundEvents.personKey, personKey),
            eq(inboundEvents.status, 'received'),
          ),
        )
        .orderBy(asc(inboundEvents.id))
        .limit(2)
        .for('update');
      if (!person || !event) return false;
      if (!event.payload) {
        await tx.update(inboundEvents).set({ status: 'failed', lastError: 'no payload' }).where(eq(inboundEvents.id, event.id));
        return true;
      }
      const inbound: InboundMessage = { ...event.payload, receivedAt: new Date(event.payload.receivedAt) };

      // Created on first contact; returned (and locked) in one statement either way.
      const [conversation] = await tx
        .insert(conversations)
        .values({ personId: person.id, state: {} })
        .onConflictDoUpdate({ target: conversations.personId, set: { updatedAt: at } })
        .returning();
      if (!conversation) throw new Error('conversation row missing after upsert');

      const isNew = Object.keys(conversation.state).length === 0;
      const result = runEngine(isNew ? null : conversation.state, inbound);

      if (result.erase) await erasePerson(tx, person.id, conversation.id, channel, personKey, event.id);

      const deliverables = result.outbound.filter((m): m is DeliverableMessage => m.kind !== 'handoff');
      // The transcript: what the person said (unless they just erased it) and what the bot answered.
      const transcript: (typeof messages.$inferInsert)[] = result.erase
        ? []
        : [{ conversationId: conversation.id, author: 'person', text: describeInbound(inbound), meta: { kind: inbound.body.kind } }];
      for (const m of deliverables) {
        transcript.push({
          conversationId: conversation.id,
          author: 'bot',
          text: m.text,
          meta: m.kind === 'choices' ? { choices: m.choices.map((c) => c.id) } : null,
        });
      }
      if (transcript.length > 0) await tx.insert(messages).values(transcript);
      if (deliverables.length > 0) {
        await outbox.enqueue(
          tx,
          person.id,
          channel,
          deliverables.map((message) => ({ message, locale: result.locale, direction: result.direction })),
        );
      }
      const counts: CountIncrement[] = [{ metric: 'message.in', channel, locale: result.locale }];
      if (isNew) counts.push({ metric: 'conversation.started', channel, locale: result.locale });
      for (const handoff of result.outbound) {
        if (handoff.kind !== 'handoff') continue;
        await requestHandoff(tx, {
          personId: person.id,
          urgent: handoff.urgent,
          reason: handoff.reason,
          ...(handoff.topicId ? { topicId: handoff.topicId } : {}),
          locale: result.locale,
        });
        counts.push({ metric: handoff.urgent ? 'handoff.urgent' : 'handoff', channel, locale: result.locale });
      }

      await tx
        .update(conversations)
        .set({ state: result.state as Record<string, unknown>, version: sql`${conversations.version} + 1`, updatedAt: at })
        .where(eq(conversations.id, conversation.id));
      await tx
        .update(people)
        .set({
          locale: result.erase ? null : result.locale,
          lastInboundAt: sql`greatest(${people.lastInboundAt}, ${inbound.receivedAt.toISOString()}::timestamptz)`,
        })
        .where(eq(people.id, person.id));
      // The person wrote: a platform window (WhatsApp's 24 hours) is open again.
      await outbox.release(tx, person.id);
      // The neutral message may hold text: once applied, keep only the dedupe key.
      await tx
        .update(inboundEvents)
        .set({ status: 'processed', payload: null, processedAt: at, attempts: sql`${inboundEvents.attempts} + 1` })
        .where(eq(inboundEvents.id, event.id));
      await countEvents(tx, at, counts);
      return next !== undefined;
    });
  }

  /** Sets a failing event aside after `maxAttempts` so the person's later messages still get answers. */
  async function noteFailure(channel: ChannelName, personKey: string, error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    const [oldest] = await db
      .select({ id: inboundEvents.id, attempts: inboundEvents.attempts })
      .from(inboundEvents)
      .where(
        and(eq(inboundEvents.channel, channel), eq(inboundEvents.personKey, personKey), eq(inboundEvents.status, 'received')),
      )
      .orderBy(asc(inboundEvents.id))
      .limit(1);
    if (!oldest) return;
    const attempts = oldest.attempts + 1;
    await db
      .update(inboundEvents)
      .set({ attempts, lastError: message.slice(0, 500), ...(attempts >= maxAttempts ? { status: 'failed' as const } : {}) })
      .where(eq(inboundEvents.id, oldest.id));
    logger.error('inbox.process_failed', { channel, person: logger.hash(personKey), eventId: oldest.id, attempts, error });
  }

  async function processPerson(channel: ChannelName, personKey: string): Promise<void> {
    // Bounded: a person who keeps writing is served by the next call too.
    for (let i = 0; i < 100; i++) {
      try {
        if (!(await applyNext(channel, personKey))) return;
      } catch (error) {
        await noteFailure(channel, personKey, error).catch(() => {});
        return;
      }
    }
  }

  async function processPeople(keys: { channel: ChannelName; personKey: string }[]) {
    const unique = new Map(keys.map((k) => [`${k.channel}\u0000${k.personKey}`, k]));
    await Promise.all([...unique.values()].map((k) => processPerson(k.channel, k.personKey)));
    try {
      await outbox.deliverSoon();
    } catch (error) {
      // Delivery is retried by the sweep; the replies are safely committed.
      logger.error('outbox.deliver_failed', { error });
    }
  }

  return {
    async record(batch) {
      if (batch.length === 0) return { recorded: [], duplicates: 0 };
      const rows = await db
        .insert(inboundEvents)
        .values(
          batch.map((m) => ({ channel: m.channel, externalId: m.externalId, personKey: m.personKey, payload: m })),
        )
        .onConflictDoNothing({ target: [inboundEvents.channel, inboundEvents.externalId] })
        .returning({ id: inboundEvents.id });
      const duplicates = batch.length - rows.length;
      if (duplicates > 0) logger.info('inbox.duplicates', { channel: batch[0]!.channel, duplicates });
      return { recorded: rows.map((r) => r.id), duplicates };
    },

    async process(eventIds) {
      if (eventIds.length === 0) return;
      try {
        const keys = await db
          .selectDistinct({ channel: inboundEvents.channel, personKey: inboundEvents.personKey })
          .from(inboundEvents)
          .where(and(inArray(inboundEvents.id, eventIds), eq(inboundEvents.status, 'received')));
        await processPeople(keys);
      } catch (error) {
        // Never throw to the caller (it has already answered the platform): the sweep retries.
        logger.error('inbox.process_error', { error });
      }
    },

    async processWaiting(limit = 500) {
      const keys = await db
        .selectDistinct({ channel: inboundEvents.channel, personKey: inboundEvents.personKey })
        .from(inboundEvents)
        .where(and(eq(inboundEvents.status, 'received'), ne(inboundEvents.personKey, '')))
        .limit(limit);
      await processPeople(keys);
      return keys.length;
    },

    async firstSeen(channel, externalId) {
      const rows = await db
        .insert(inboundEvents)
        .values({ channel, externalId, personKey: '', status: 'processed', processedAt: now() })
        .onConflictDoNothing({ target: [inboundEvents.channel, inboundEvents.externalId] })
        .returning({ id: inboundEvents.id });
      return rows.length > 0;
    },
  };
}

/**
 * "Delete my data": the transcript, cases, outbound history and inbound events of the person go; the
 * person row stays only as the address for the confirmation (its language is cleared). What remains
 * is anonymous daily counts. Events not yet applied (the person kept writing) are left to be answered.
 */
async function erasePerson(
  tx: DbOrTx,
  personId: number,
  conversationId: number,
  channel: ChannelName,
  personKey: string,
  currentEventId: number,
) {
  await tx.delete(messages).where(eq(messages.conversationId, conversationId));
  await tx.delete(cases).where(eq(cases.personId, personId));
  await tx.delete(outboxTable).where(eq(outboxTable.personId, personId));
  // Dedupe keys stay (a retried webhook must not replay), but no longer point at the person.
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
