import { and, eq, inArray, ne, notExists, sql } from 'drizzle-orm';
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

/** A person as the inbox names them before knowing their row. */
export interface PersonKey {
  channel: ChannelName;
  externalKey: string;
}

/**
 * Many people's rows at once, created when new, and locked until the transaction ends. The rows are
 * taken in one fixed order (channel, key), so two batches that share people never deadlock.
 */
export async function lockPeople(tx: DbOrTx, keys: PersonKey[]): Promise<Person[]> {
  if (keys.length === 0) return [];
  const sorted = [...keys].sort((a, b) => a.channel.localeCompare(b.channel) || a.externalKey.localeCompare(b.externalKey));
  return tx
    .insert(people)
    .values(sorted.map((k) => ({ channel: k.channel, externalKey: k.externalKey })))
    .onConflictDoUpdate({ target: [people.channel, people.externalKey], set: { channel: sql`excluded.channel` } })
    .returning();
}

/** After a batch of steps: each person's language (null once they erased their data) and when they last wrote. */
export async function notePeopleWrote(
  tx: DbOrTx,
  updates: { personId: number; locale: LocaleCode | null; wroteAt: Date }[],
): Promise<void> {
  if (updates.length === 0) return;
  const rows = JSON.stringify(updates.map((u) => ({ id: u.personId, locale: u.locale, at: u.wroteAt.toISOString() })));
  // One statement for the whole batch; messages may be applied late (a retry): the latest time wins.
  // A person who wrote after becoming unreachable can be reached again (they unblocked the bot, their
  // app works again); a message written before it, applied late, changes nothing.
  await tx.execute(sql`
    update ${people} set locale = v.locale,
      last_inbound_at = greatest(${people.lastInboundAt}, v.at),
      unreachable_reason = case when ${people.unreachableAt} < v.at then null else ${people.unreachableReason} end,
      unreachable_at = case when ${people.unreachableAt} < v.at then null else ${people.unreachableAt} end
    from jsonb_to_recordset(${rows}::jsonb) as v(id integer, locale text, at timestamptz)
    where ${people.id} = v.id`);
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

/** The channel of the one `people` row that is not a person: the volunteers' Telegram group. */
export const GROUP_CHANNEL = 'telegram-group' as const;

/**
 * The volunteers' group as an outbox recipient: its row in `people` (created the first time), so its
 * posts are claimed, sent in order and retried like a person's messages. The row is only read here
 * (never locked, never updated), so the many transactions that mirror cases never wait on each other
 * for it; only its very first creation can make two of them wait.
 */
export async function groupRecipient(tx: DbOrTx, chatId: string): Promise<number> {
  const where = and(eq(people.channel, GROUP_CHANNEL), eq(people.externalKey, chatId));
  const [known] = await tx.select({ id: people.id }).from(people).where(where);
  if (known) return known.id;
  const [created] = await tx
    .insert(people)
    .values({ channel: GROUP_CHANNEL, externalKey: chatId })
    .onConflictDoNothing()
    .returning({ id: people.id });
  if (created) return created.id;
  const [other] = await tx.select({ id: people.id }).from(people).where(where);
  return other!.id;
}

/**
 * Removes people silent since before `cutoff`, with everything attached (conversation, transcript,
 * outbox, cases: cascades), unless a case or a message of theirs is still open.
 *
 * Never the volunteers' group's row: it never "writes", so it would look silent, yet posts are queued
 * for it from inside the transactions of people's messages and volunteers' replies; deleting it under
 * them would fail those transactions (a person's message left unanswered for a mirror's sake), and
 * every later post would recreate it. What it carries of people goes with their cases instead
 * (`outbox.case_id`, cascading).
 */
export async function purgeSilentPeople(db: DbOrTx, cutoff: Date): Promise<number> {
  const gone = await db
    .delete(people)
    .where(
      and(
        ne(people.channel, GROUP_CHANNEL),
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
