import { and, asc, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { HandoffReason } from '../core/messages.js';
import type { LocaleCode } from '../core/locales.js';
import type { DbOrTx } from '../storage/database.js';
import { cases, people } from '../storage/schema.js';

export interface CaseRequest {
  personId: number;
  urgent: boolean;
  reason: HandoffReason;
  topicId?: string;
  locale: LocaleCode;
}

export type HandoffOutcome = { status: 'opened'; caseId: number } | { status: 'updated'; caseId: number };

/**
 * Opens a case for a volunteer, or updates the person's open one: one case per person at a time, and
 * urgency only ever goes up (a later calm message does not push an urgent case down the queue).
 */
export async function requestHandoff(tx: DbOrTx, request: CaseRequest): Promise<HandoffOutcome> {
  const [open] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.personId, request.personId), inArray(cases.status, ['open', 'claimed'])))
    .for('update');
  if (open) {
    await tx
      .update(cases)
      .set({
        urgent: sql`${cases.urgent} or ${request.urgent}`,
        locale: request.locale,
        ...(request.topicId ? { topicId: request.topicId } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(cases.id, open.id));
    return { status: 'updated', caseId: open.id };
  }
  const [created] = await tx
    .insert(cases)
    .values({
      personId: request.personId,
      urgent: request.urgent,
      reason: request.reason,
      topicId: request.topicId ?? null,
      locale: request.locale,
    })
    .returning({ id: cases.id });
  return { status: 'opened', caseId: created!.id };
}

/** The open and claimed cases, urgent first, then oldest. */
export async function listOpenCases(db: DbOrTx, limit = 200) {
  return db
    .select({
      id: cases.id,
      urgent: cases.urgent,
      status: cases.status,
      reason: cases.reason,
      topicId: cases.topicId,
      locale: cases.locale,
      createdAt: cases.createdAt,
      channel: people.channel,
      personId: people.id,
    })
    .from(cases)
    .innerJoin(people, eq(people.id, cases.personId))
    .where(inArray(cases.status, ['open', 'claimed']))
    .orderBy(desc(cases.urgent), asc(cases.createdAt))
    .limit(limit);
}

/** "Delete my data": the person's cases go. */
export async function eraseCasesOf(tx: DbOrTx, personId: number): Promise<void> {
  await tx.delete(cases).where(eq(cases.personId, personId));
}

/** Closed cases older than `cutoff` go, even when the person is still around. */
export async function purgeClosedCases(db: DbOrTx, cutoff: Date): Promise<number> {
  const closed = await db
    .delete(cases)
    .where(and(eq(cases.status, 'closed'), isNotNull(cases.closedAt), lt(cases.closedAt, cutoff)))
    .returning({ id: cases.id });
  return closed.length;
}
