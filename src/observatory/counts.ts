import { and, asc, desc, gte, like, sql } from 'drizzle-orm';
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

/** How many conversations each entry point brought, per channel and locale, since a day. */
export interface EntryCount {
  /** The deep-link alias (`zone-attente`). */
  entry: string;
  channel: string;
  locale: string;
  count: number;
}

/** Prefix of the daily counts of entry points: `entry.<alias>` (the inbox counts them). */
export const ENTRY_METRIC_PREFIX = 'entry.';

/**
 * First contacts by entry point since `since` (a day, `YYYY-MM-DD`, inclusive), most first: which
 * leaflets and posters bring people, read from the anonymous daily counts.
 */
export async function entryCounts(tx: DbOrTx, since: string): Promise<EntryCount[]> {
  const total = sql<number>`cast(sum(${dailyCounts.count}) as integer)`;
  const rows = await tx
    .select({ metric: dailyCounts.metric, channel: dailyCounts.channel, locale: dailyCounts.locale, count: total })
    .from(dailyCounts)
    .where(and(like(dailyCounts.metric, `${ENTRY_METRIC_PREFIX}%`), gte(dailyCounts.day, since)))
    .groupBy(dailyCounts.metric, dailyCounts.channel, dailyCounts.locale)
    .orderBy(desc(total), asc(dailyCounts.metric), asc(dailyCounts.channel), asc(dailyCounts.locale));
  return rows.map((r) => ({ entry: r.metric.slice(ENTRY_METRIC_PREFIX.length), channel: r.channel, locale: r.locale, count: Number(r.count) }));
}
