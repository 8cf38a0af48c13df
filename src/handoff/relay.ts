import { and, asc, eq, isNull, or } from 'drizzle-orm';
import type { Content } from '../content/index.js';
import type { LocaleCode } from '../core/locales.js';
import { enqueueOutbound } from '../outbox/rows.js';
import type { DbOrTx } from '../storage/database.js';
import { conversations, messages, outbox, people } from '../storage/schema.js';
import { noteVolunteerMessage } from './cases.js';

/**
 * What volunteers say: a reply goes to the person through the outbox (their channel, in order, exactly
 * once), a note stays internal, and both are kept in the case's transcript with who wrote them.
 */

/** The person behind a case, as the relay needs them: where to write, in which language. */
export async function personOf(db: DbOrTx, personId: number) {
  const [row] = await db
    .select({ id: people.id, channel: people.channel, locale: people.locale, conversationId: conversations.id })
    .from(people)
    .leftJoin(conversations, eq(conversations.personId, people.id))
    .where(eq(people.id, personId));
  return row;
}

/** Queues a text to the person and records it in the case's transcript; returns the transcript line. */
export async function sendToPerson(
  tx: DbOrTx,
  content: Content,
  message: { caseId: number; personId: number; text: string; author: 'volunteer' | 'system'; volunteerId?: number; locale: LocaleCode | null },
  at: Date,
): Promise<{ id: number; outboxId: number }> {
  const person = await personOf(tx, message.personId);
  if (!person) throw new Error('the person of this case is gone');
  const locale = message.locale ?? person.locale ?? 'fr';
  const [outboxId] = await enqueueOutbound(
    tx,
    person.id,
    person.channel,
    [{ message: { kind: 'text', text: message.text }, locale, direction: content.locales[locale].direction }],
    at,
  );
  const [line] = await tx
    .insert(messages)
    .values({
      conversationId: person.conversationId!,
      author: message.author,
      text: message.text,
      caseId: message.caseId,
      volunteerId: message.volunteerId ?? null,
      outboxId: outboxId!,
      createdAt: at,
    })
    .returning({ id: messages.id });
  if (message.author === 'volunteer') await noteVolunteerMessage(tx, message.caseId, at);
  return { id: line!.id, outboxId: outboxId! };
}

/** An internal note on the case: never sent to the person. */
export async function addNote(tx: DbOrTx, caseId: number, personId: number, volunteerId: number, text: string, at: Date): Promise<number> {
  const person = await personOf(tx, personId);
  const [line] = await tx
    .insert(messages)
    .values({ conversationId: person!.conversationId!, author: 'note', text, caseId, volunteerId, createdAt: at })
    .returning({ id: messages.id });
  return line!.id;
}

/** A message's delivery state, as a volunteer reads it. */
export type DeliveryState = 'queued' | 'sent' | 'delivered' | 'read' | 'held' | 'failed';

export interface CaseMessage {
  id: number;
  at: string;
  author: 'person' | 'bot' | 'volunteer' | 'note' | 'system';
  text: string;
  /** Bot lines: the French source when the person reads another language. */
  french?: string;
  volunteer?: { id: number };
  delivery?: { state: DeliveryState; reason?: string };
}

/**
 * What a volunteer reads on a case: the person's whole conversation with the bot (the background),
 * then everything of this case (replies, notes, system lines), in order, with each reply's delivery.
 */
export async function caseTranscript(db: DbOrTx, caseId: number, personId: number, after = 0): Promise<CaseMessage[]> {
  const person = await personOf(db, personId);
  if (!person?.conversationId) return [];
  const rows = await db
    .select({
      id: messages.id,
      at: messages.createdAt,
      author: messages.author,
      text: messages.text,
      meta: messages.meta,
      volunteerId: messages.volunteerId,
      status: outbox.status,
      deliveredAt: outbox.deliveredAt,
      readAt: outbox.readAt,
      lastError: outbox.lastError,
    })
    .from(messages)
    .leftJoin(outbox, eq(outbox.id, messages.outboxId))
    .where(
      and(
        eq(messages.conversationId, person.conversationId),
        // Other cases' replies and notes are theirs; the bot conversation is everybody's background.
        or(isNull(messages.caseId), eq(messages.caseId, caseId)),
      ),
    )
    .orderBy(asc(messages.id));
  return rows
    .filter((r) => r.id > after)
    .map((r) => {
      const french = typeof r.meta?.fr === 'string' ? r.meta.fr : undefined;
      return {
        id: r.id,
        at: r.at.toISOString(),
        author: r.author,
        text: r.text,
        ...(french ? { french } : {}),
        ...(r.volunteerId ? { volunteer: { id: r.volunteerId } } : {}),
        ...(r.status ? { delivery: deliveryOf(r) } : {}),
      };
    });
}

function deliveryOf(row: { status: string | null; deliveredAt: Date | null; readAt: Date | null; lastError: string | null }): {
  state: DeliveryState;
  reason?: string;
} {
  if (row.readAt) return { state: 'read' };
  if (row.deliveredAt) return { state: 'delivered' };
  switch (row.status) {
    case 'sent':
      return { state: 'sent' };
    case 'held':
      return { state: 'held', ...(row.lastError ? { reason: row.lastError } : {}) };
    case 'failed':
      return { state: 'failed', ...(row.lastError ? { reason: row.lastError } : {}) };
    default:
      return { state: 'queued' };
  }
}
