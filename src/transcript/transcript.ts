import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { conversations, messages, type MessageAuthor } from '../storage/schema.js';

/**
 * The `messages` table's only writer and reader: the transcript of a conversation, both directions,
 * as a volunteer reads it. Its text is what encryption at rest will seal, here and only here.
 */

export interface TranscriptEntry {
  author: MessageAuthor;
  text: string;
  /** Machine-readable detail: the choice tapped, the choices offered, the French source. */
  meta?: Record<string, unknown> | null;
  /** The case the line belongs to (written while a case was open). */
  caseId?: number | null;
}

export async function appendTranscript(tx: DbOrTx, conversationId: number, entries: TranscriptEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(messages).values(entries.map((e) => ({ conversationId, author: e.author, text: e.text, meta: e.meta ?? null })));
}

/**
 * Appends to many people's transcripts in one statement, in the order given. Each person's
 * conversation is found by its person (it may have been created earlier in the same transaction).
 */
export async function appendTranscripts(tx: DbOrTx, entries: (TranscriptEntry & { personId: number })[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = JSON.stringify(
    entries.map((e, n) => ({ n, person: e.personId, author: e.author, text: e.text, meta: e.meta ?? null, case_id: e.caseId ?? null })),
  );
  await tx.execute(sql`
    insert into ${messages} (conversation_id, author, text, meta, case_id)
    select c.id, v.author, v.text, v.meta, v.case_id
    from jsonb_to_recordset(${rows}::jsonb) as v(n integer, person integer, author text, text text, meta jsonb, case_id integer)
    join ${conversations} c on c.person_id = v.person
    order by v.n`);
}

export async function readTranscript(db: DbOrTx, conversationId: number) {
  return db
    .select({ id: messages.id, author: messages.author, text: messages.text, meta: messages.meta, at: messages.createdAt })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.id));
}

/** "Delete my data": the whole transcript goes. */
export async function eraseTranscript(tx: DbOrTx, conversationId: number): Promise<void> {
  await tx.delete(messages).where(eq(messages.conversationId, conversationId));
}
