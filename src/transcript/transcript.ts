import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { messages, type MessageAuthor } from '../storage/schema.js';

/**
 * The `messages` table's only writer and reader: the transcript of a conversation, both directions,
 * as a volunteer reads it. Its text is what encryption at rest will seal, here and only here.
 */

export interface TranscriptEntry {
  author: MessageAuthor;
  text: string;
  /** Machine-readable detail: the choice tapped, the choices offered. */
  meta?: Record<string, unknown> | null;
}

export async function appendTranscript(tx: DbOrTx, conversationId: number, entries: TranscriptEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(messages).values(entries.map((e) => ({ conversationId, author: e.author, text: e.text, meta: e.meta ?? null })));
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
