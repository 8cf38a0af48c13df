import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import type { ChannelName, OutboxPayload } from '../core/messages.js';
import type { DbOrTx } from '../storage/database.js';
import { outbox, people } from '../storage/schema.js';

/**
 * Writing and reading outbox rows outside delivery: enqueueing inside the caller's transaction, the
 * reads the web chat and the console need, erasure. With `outbox.ts`, the `outbox` table's only owner.
 */

/** Writes rows inside the caller's transaction, so they commit with the state change that caused them. */
export async function enqueueOutbound(
  tx: DbOrTx,
  personId: number,
  channel: ChannelName,
  payloads: OutboxPayload[],
  at: Date,
): Promise<number[]> {
  if (payloads.length === 0) return [];
  const rows = await tx
    .insert(outbox)
    .values(payloads.map((payload) => ({ personId, channel, payload, nextAttemptAt: at })))
    .returning({ id: outbox.id });
  return rows.map((r) => r.id);
}

/** A delivered message as the web chat page shows it. */
export interface DeliveredReply {
  id: number;
  payload: OutboxPayload;
}

/** The messages already delivered to one person (a web session), after a given outbox id. */
export async function deliveredTo(
  db: DbOrTx,
  channel: ChannelName,
  externalKey: string,
  after = 0,
): Promise<DeliveredReply[]> {
  return db
    .select({ id: outbox.id, payload: outbox.payload })
    .from(outbox)
    .innerJoin(people, eq(people.id, outbox.personId))
    .where(and(eq(people.channel, channel), eq(people.externalKey, externalKey), gt(outbox.id, after), eq(outbox.status, 'sent')))
    .orderBy(asc(outbox.id));
}

/** Messages that did not go out: held outside a platform's window, or failed for good. Newest first. */
export async function listUndelivered(db: DbOrTx, limit = 200) {
  return db
    .select({
      id: outbox.id,
      status: outbox.status,
      channel: outbox.channel,
      lastError: outbox.lastError,
      attempts: outbox.attempts,
      createdAt: outbox.createdAt,
      personId: outbox.personId,
    })
    .from(outbox)
    .where(inArray(outbox.status, ['held', 'failed']))
    .orderBy(desc(outbox.id))
    .limit(limit);
}

/** "Delete my data": the person's outbound history goes (the confirmation is enqueued after this). */
export async function eraseOutboxOf(tx: DbOrTx, personId: number): Promise<void> {
  await tx.delete(outbox).where(eq(outbox.personId, personId));
}

/** The person wrote: rows held outside a platform's window (WhatsApp's 24 hours) go back to pending. */
export async function releaseHeld(tx: DbOrTx, personId: number, at: Date): Promise<void> {
  await tx
    .update(outbox)
    .set({ status: 'pending', nextAttemptAt: at })
    .where(and(eq(outbox.personId, personId), eq(outbox.status, 'held')));
}
