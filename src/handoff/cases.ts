import { and, eq, inArray, sql } from 'drizzle-orm';
import type { HandoffReason, LocaleCode } from '../conversation/messages.js';
import type { DbOrTx } from '../storage/database.js';
import { cases } from '../storage/schema.js';

export interface HandoffRequest {
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
export async function requestHandoff(tx: DbOrTx, request: HandoffRequest): Promise<HandoffOutcome> {
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
