import { and, eq, inArray, isNotNull, lt, notExists, or, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { cases, inboundEvents, outbox, people } from './schema.js';

/** WhatsApp retries a webhook for 7 days: dedupe keys are kept a day longer, then dropped. */
export const DEDUPE_KEEP_DAYS = 8;

export interface PurgeReport {
  people: number;
  closedCases: number;
  inboundEvents: number;
}

const DAY = 86_400_000;

/**
 * Store only what the service needs. After `retentionDays` without a word from a person, and once no
 * case or message of theirs is still open, the person goes with everything attached (conversation,
 * transcript, outbox, cases). Closed cases go after the same delay even when the person is still
 * around; dedupe keys after `DEDUPE_KEEP_DAYS`. Anonymous daily counts stay.
 */
export async function purgeExpired(db: Db, now: Date, retentionDays: number): Promise<PurgeReport> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY);
  const gone = await db
    .delete(people)
    .where(
      and(
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
  const closed = await db
    .delete(cases)
    .where(and(eq(cases.status, 'closed'), isNotNull(cases.closedAt), lt(cases.closedAt, cutoff)))
    .returning({ id: cases.id });
  const events = await db
    .delete(inboundEvents)
    .where(
      and(
        or(eq(inboundEvents.status, 'processed'), eq(inboundEvents.status, 'failed')),
        lt(inboundEvents.receivedAt, new Date(now.getTime() - DEDUPE_KEEP_DAYS * DAY)),
      ),
    )
    .returning({ id: inboundEvents.id });
  return { people: gone.length, closedCases: closed.length, inboundEvents: events.length };
}
