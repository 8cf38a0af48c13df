import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import type { LocaleCode } from '../core/locales.js';
import type { ChannelName } from '../core/messages.js';
import type { DbOrTx } from '../storage/database.js';
import { cases, outbox, people } from '../storage/schema.js';

/**
 * The `people` table's only writer. A person is an address on one channel (a Telegram chat id, a
 * WhatsApp BSUID or number, a web session): needed to answer, never logged, never linked across
 * channels.
 */

export type Person = typeof people.$inferSelect;

/**
 * The person's row, created on first contact, and locked until the transaction ends: every update
 * of one person goes through here first, so two updates for one person never interleave.
 */
export async function lockPerson(tx: DbOrTx, channel: ChannelName, externalKey: string): Promise<Person> {
  const [person] = await tx
    .insert(people)
    .values({ channel, externalKey })
    // A no-op update, so the row is returned (and locked) whether it was new or not.
    .onConflictDoUpdate({ target: [people.channel, people.externalKey], set: { channel } })
    .returning();
  if (!person) throw new Error('person row missing after upsert');
  return person;
}

/** After a step: the language the person reads (null once they erased their data) and when they last wrote. */
export async function notePersonWrote(
  tx: DbOrTx,
  personId: number,
  update: { locale: LocaleCode | null; wroteAt: Date },
): Promise<void> {
  await tx
    .update(people)
    .set({
      locale: update.locale,
      // Messages may be applied late (a retry): the latest time wins.
      lastInboundAt: sql`greatest(${people.lastInboundAt}, ${update.wroteAt.toISOString()}::timestamptz)`,
    })
    .where(eq(people.id, personId));
}

/** The person blocked the bot or left (`reason`), or came back (`null`): nothing is sent while unreachable. */
export async function setReachability(
  db: DbOrTx,
  where: { channel: ChannelName; externalKey: string } | { personId: number },
  reason: string | null,
  at: Date,
): Promise<void> {
  await db
    .update(people)
    .set({ unreachableAt: reason ? at : null, unreachableReason: reason })
    .where(
      'personId' in where
        ? eq(people.id, where.personId)
        : and(eq(people.channel, where.channel), eq(people.externalKey, where.externalKey)),
    );
}

/** When the person was last invited back (WhatsApp template) and last wrote: an invitation goes once per time they wrote. */
export async function invitationState(
  db: DbOrTx,
  personId: number,
): Promise<{ invitedAt: Date | null; lastInboundAt: Date | null } | undefined> {
  const [row] = await db
    .select({ invitedAt: people.invitedAt, lastInboundAt: people.lastInboundAt })
    .from(people)
    .where(eq(people.id, personId));
  return row;
}

export async function noteInvited(db: DbOrTx, personId: number, at: Date): Promise<void> {
  await db.update(people).set({ invitedAt: at }).where(eq(people.id, personId));
}

/**
 * Removes people silent since before `cutoff`, with everything attached (conversation, transcript,
 * outbox, cases: cascades), unless a case or a message of theirs is still open.
 */
export async function purgeSilentPeople(db: DbOrTx, cutoff: Date): Promise<number> {
  const gone = await db
    .delete(people)
    .where(
      and(
        // A raw expression: the driver gets the time as text, not as a column-typed Date.
        sql`coalesce(${people.lastInboundAt}, ${people.createdAt}) < ${cutoff.toISOString()}::timestamptz`,
        notExists(
          db
            .select({ one: sql`1` })
            .from(cases)
            .where(and(eq(cases.personId, people.id), inArray(cases.status, ['open', 'claimed']))),
        ),
        notExists(
          db
            .select({ one: sql`1` })
            .from(outbox)
            .where(and(eq(outbox.personId, people.id), inArray(outbox.status, ['pending', 'sending', 'held']))),
        ),
      ),
    )
    .returning({ id: people.id });
  return gone.length;
}
