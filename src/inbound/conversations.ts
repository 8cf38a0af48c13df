import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { conversations } from '../storage/schema.js';

/** The `conversations` table's only owner: the engine's state per person, one row each. */

export type ConversationRow = typeof conversations.$inferSelect;

/** The person's conversation, created on first contact; returned (and locked) in one statement either way. */
export async function openConversation(tx: DbOrTx, personId: number, at: Date): Promise<ConversationRow> {
  const [conversation] = await tx
    .insert(conversations)
    .values({ personId, state: {} })
    .onConflictDoUpdate({ target: conversations.personId, set: { updatedAt: at } })
    .returning();
  if (!conversation) throw new Error('conversation row missing after upsert');
  return conversation;
}

export async function saveState(tx: DbOrTx, conversationId: number, state: object, at: Date): Promise<void> {
  await tx
    .update(conversations)
    .set({ state: state as Record<string, unknown>, version: sql`${conversations.version} + 1`, updatedAt: at })
    .where(eq(conversations.id, conversationId));
}
