import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { LOCALES, type LocaleCode } from '../core/locales.js';
import type { DbOrTx } from '../storage/database.js';
import { cannedReplies } from '../storage/schema.js';

/**
 * Canned replies: what volunteers send often ("your hearing is at…", "ask for the duty lawyer"), one
 * text per locale under one key, edited by coordinators. The `canned_replies` table's only owner. A
 * locale without its text is said to be missing, never replaced by French.
 */

export const cannedReplySchema = z.object({
  key: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a key is 1–40 characters among a-z, 0-9 and -'),
  locale: z.enum(LOCALES),
  title: z.string().trim().min(1, 'a title is required').max(80),
  text: z.string().trim().min(1, 'the text is empty').max(4000, 'the text is longer than 4000 characters'),
});
export type CannedReplyInput = z.infer<typeof cannedReplySchema>;

export interface CannedReply extends CannedReplyInput {
  updatedAt: string;
}

export async function listCannedReplies(db: DbOrTx): Promise<CannedReply[]> {
  const rows = await db.select().from(cannedReplies).orderBy(asc(cannedReplies.key), asc(cannedReplies.locale));
  return rows.map((r) => ({ key: r.key, locale: r.locale, title: r.title, text: r.text, updatedAt: r.updatedAt.toISOString() }));
}

/** The reply under `key` in `locale`, or undefined when that locale has none. */
export async function cannedReply(db: DbOrTx, key: string, locale: LocaleCode): Promise<CannedReply | undefined> {
  const [row] = await db
    .select()
    .from(cannedReplies)
    .where(and(eq(cannedReplies.key, key), eq(cannedReplies.locale, locale)));
  return row ? { key: row.key, locale: row.locale, title: row.title, text: row.text, updatedAt: row.updatedAt.toISOString() } : undefined;
}

export async function saveCannedReply(db: DbOrTx, input: CannedReplyInput, by: number, at: Date): Promise<void> {
  await db
    .insert(cannedReplies)
    .values({ ...input, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({
      target: [cannedReplies.key, cannedReplies.locale],
      set: { title: input.title, text: input.text, updatedBy: by, updatedAt: at },
    });
}

export async function removeCannedReply(db: DbOrTx, key: string, locale: LocaleCode): Promise<boolean> {
  const gone = await db
    .delete(cannedReplies)
    .where(and(eq(cannedReplies.key, key), eq(cannedReplies.locale, locale)))
    .returning({ id: cannedReplies.id });
  return gone.length > 0;
}
