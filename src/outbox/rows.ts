import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { ChannelName, OutboxChannel, OutboxPayload } from '../core/messages.js';
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
  channel: OutboxChannel,
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

/**
 * Queues a post about a case (the volunteers' group): like `enqueueOutbound`, with the case it belongs
 * to, so it goes with the case (erasure, retention) and later posts of the case can join it.
 */
export async function enqueueCasePost(
  tx: DbOrTx,
  recipientId: number,
  channel: OutboxChannel,
  caseId: number,
  payload: OutboxPayload,
  at: Date,
): Promise<number> {
  const [row] = await tx
    .insert(outbox)
    .values({ personId: recipientId, channel, caseId, payload, nextAttemptAt: at })
    .returning({ id: outbox.id });
  return row!.id;
}

/**
 * The case's latest post to this recipient if it has not started going out (pending, or held), locked
 * until the caller's transaction ends so the caller may add to it. Never waits for a lock: a post that
 * is being claimed, or that another transaction is adding to, is left alone (the caller queues a new
 * post after it), so two transactions mirroring cases never wait on each other here.
 */
export async function waitingCasePost(
  tx: DbOrTx,
  recipientId: number,
  caseId: number,
): Promise<{ id: number; payload: OutboxPayload; externalIds: string[] } | undefined> {
  const [latest] = await tx
    .select({ id: outbox.id, status: outbox.status })
    .from(outbox)
    .where(and(eq(outbox.personId, recipientId), eq(outbox.caseId, caseId), inArray(outbox.status, ['pending', 'sending', 'held'])))
    .orderBy(desc(outbox.id))
    .limit(1);
  if (!latest || latest.status === 'sending') return undefined;
  const [locked] = await tx
    .select({ id: outbox.id, payload: outbox.payload, externalIds: outbox.externalIds })
    .from(outbox)
    .where(and(eq(outbox.id, latest.id), inArray(outbox.status, ['pending', 'held'])))
    .for('update', { skipLocked: true });
  // `externalIds`: what earlier attempts already did of it (the steps done), never to be changed.
  return locked ? { ...locked, externalIds: locked.externalIds ?? [] } : undefined;
}

/** A waiting post grew (see `waitingCasePost`, which locked it). */
export async function replacePayload(tx: DbOrTx, id: number, payload: OutboxPayload): Promise<void> {
  await tx.update(outbox).set({ payload }).where(eq(outbox.id, id));
}

/**
 * Enqueues many people's messages in one statement, in the order given (ids keep each person's order).
 * The rows travel as one JSON parameter, as the transcript's do: one prepared text for any batch, and
 * nothing built per row on the hot path.
 */
export async function enqueueMany(
  tx: DbOrTx,
  rows: { personId: number; channel: ChannelName; payload: OutboxPayload }[],
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const values = JSON.stringify(rows.map((r, n) => ({ n, person_id: r.personId, channel: r.channel, payload: r.payload })));
  await tx.execute(sql`
    insert into ${outbox} (person_id, channel, payload, next_attempt_at)
    select v.person_id, v.channel, v.payload, ${at.toISOString()}::timestamptz
    from jsonb_to_recordset(${values}::jsonb) as v(n integer, person_id integer, channel text, payload jsonb)
    order by v.n`);
}

/** These people wrote: their rows held outside a platform's window go back to pending. */
export async function releaseHeldOf(tx: DbOrTx, personIds: number[], at: Date): Promise<void> {
  if (personIds.length === 0) return;
  await tx
    .update(outbox)
    .set({ status: 'pending', nextAttemptAt: at })
    .where(and(inArray(outbox.personId, personIds), eq(outbox.status, 'held')));
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
