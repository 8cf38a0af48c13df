import { sql } from 'drizzle-orm';
import type { DbOrTx } from './database.js';
import { dailyCounts } from './schema.js';

/** Adds to an anonymous daily count (no person, no text): what survives an erasure. */
export async function countEvent(
  tx: DbOrTx,
  at: Date,
  metric: string,
  channel: string,
  locale: string,
  by = 1,
): Promise<void> {
  await tx
    .insert(dailyCounts)
    .values({ day: at.toISOString().slice(0, 10), metric, channel, locale, count: by })
    .onConflictDoUpdate({
      target: [dailyCounts.day, dailyCounts.metric, dailyCounts.channel, dailyCounts.locale],
      set: { count: sql`${dailyCounts.count} + ${by}` },
    });
}
