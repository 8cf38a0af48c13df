import { eq, inArray, sql } from 'drizzle-orm';
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

/** The conversations of these people (the new ones have none yet). */
export async function conversationsOf(tx: DbOrTx, personIds: number[]): Promise<ConversationRow[]> {
  if (personIds.length === 0) return [];
  return tx.select().from(conversations).where(inArray(conversations.personId, personIds));
}

/**
 * Stores the engine's new state for many people at once, creating the conversations of new people.
 * `version` counts the steps applied (`steps` of them in this batch).
 */
export async function saveStates(tx: DbOrTx, states: { personId: number; state: object; steps: number }[], at: Date): Promise<void> {
  if (states.length === 0) return;
  await tx
    .insert(conversations)
    .values(states.map((s) => ({ personId: s.personId, state: s.state as Record<string, unknown>, version: s.steps, updatedAt: at })))
    .onConflictDoUpdate({
      target: conversations.personId,
      set: { state: sql`excluded.state`, version: sql`${conversations.version} + excluded.version`, updatedAt: sql`excluded.updated_at` },
    });
}
