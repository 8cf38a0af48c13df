import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { dailyCounts } from '../storage/schema.js';

export interface CountIncrement {
  metric: string;
  channel: string;
  locale: string;
}

/**
 * Adds one to anonymous daily counts (no person, no text): what survives an erasure, and what the
 * observatory's statistics are made of. One statement for all of them.
 */
export async function countEvents(tx: DbOrTx, at: Date, increments: CountIncrement[]): Promise<void> {
  if (increments.length === 0) return;
  const day = at.toISOString().slice(0, 10);
  const merged = new Map<string, CountIncrement & { count: number }>();
  for (const i of increments) {
    const key = `${i.metric}\u0000${i.channel}\u0000${i.locale}`;
    const seen = merged.get(key);
    if (seen) seen.count++;
    else merged.set(key, { ...i, count: 1 });
  }
  await tx
    .insert(dailyCounts)
    .values([...merged.values()].map((i) => ({ day, ...i })))
    .onConflictDoUpdate({
      target: [dailyCounts.day, dailyCounts.metric, dailyCounts.channel, dailyCounts.locale],
      set: { count: sql`${dailyCounts.count} + excluded.count` },
    });
}
