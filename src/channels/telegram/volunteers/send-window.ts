import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../storage/database.js';
import { telegramGroup } from '../../../storage/schema.js';

/**
 * How fast Relais may post to the volunteers' group: Telegram allows about 20 messages a minute in a
 * group, and answers more with 429. Every call that posts or changes something there takes a slot
 * first; a call without a slot waits (its outbox row is retried when the oldest slot frees, at no cost
 * of an attempt) — nothing is dropped.
 *
 * A sliding window, not a token bucket: a bucket of 20 refilled at one every 3 s lets 40 through in
 * some minute (20 at once, then 20 more as it refills); the window never lets more than `limit`
 * through in any `windowMs`. It lives in the database (`telegram_group`, one row per group, locked
 * while a slot is taken), so every instance and every Worker isolate shares it. A 429's `retry_after`
 * pauses the whole group.
 *
 * The `telegram_group` table's only owner.
 */
export interface SendWindowOptions {
  db: Db;
  chatId: string;
  now: () => Date;
  /** Calls allowed in any window. */
  limit?: number;
  windowMs?: number;
  /** Added to the window: our clock and Telegram's are not the same clock. */
  marginMs?: number;
}

export type Slot = { ok: true } | { ok: false; waitMs: number };

export interface SendWindow {
  /** A slot now, or how long until one frees. */
  take(): Promise<Slot>;
  /** Telegram said to wait (429 `retry_after`): nobody posts to the group until then. */
  pause(ms: number): Promise<void>;
}

export const GROUP_LIMIT = 20;
export const GROUP_WINDOW_MS = 60_000;

export function createSendWindow(options: SendWindowOptions): SendWindow {
  const { db, chatId, now } = options;
  const limit = options.limit ?? GROUP_LIMIT;
  const span = (options.windowMs ?? GROUP_WINDOW_MS) + (options.marginMs ?? 1_000);
  let known = false;

  async function ensureRow() {
    if (known) return;
    await db.insert(telegramGroup).values({ chatId }).onConflictDoNothing();
    known = true;
  }

  return {
    async take() {
      await ensureRow();
      return db.transaction(async (tx): Promise<Slot> => {
        const [row] = await tx.select().from(telegramGroup).where(eq(telegramGroup.chatId, chatId)).for('update');
        const t = now().getTime();
        const paused = row?.pausedUntil ? row.pausedUntil.getTime() - t : 0;
        if (paused > 0) return { ok: false, waitMs: paused };
        const recent = (row?.recentSends ?? []).filter((at) => at > t - span).sort((a, b) => a - b);
        if (recent.length >= limit) return { ok: false, waitMs: Math.max(1, recent[recent.length - limit]! + span - t) };
        recent.push(t);
        await tx.update(telegramGroup).set({ recentSends: recent }).where(eq(telegramGroup.chatId, chatId));
        return { ok: true };
      });
    },

    async pause(ms) {
      await ensureRow();
      const until = new Date(now().getTime() + ms).toISOString();
      await db
        .update(telegramGroup)
        .set({ pausedUntil: sql`greatest(${telegramGroup.pausedUntil}, ${until}::timestamptz)` })
        .where(eq(telegramGroup.chatId, chatId));
    },
  };
}
