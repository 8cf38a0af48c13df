import { and, asc, desc, eq, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { URGENT_WITHIN_MS, type CaseCard, type Outcome } from '../core/handoff.js';
import type { LocaleCode } from '../core/locales.js';
import type { ChannelName, HandoffReason } from '../core/messages.js';
import type { DbOrTx } from '../storage/database.js';
import type { CaseEventSink } from './events.js';
import { cases, people, volunteers, type CaseStatus } from '../storage/schema.js';

/**
 * Cases: a person waiting for, or talking with, a volunteer. The `cases` table's only owner: opening
 * and bumping (from the inbox), the card the intake fills, the queue, claims (a lock: one holder),
 * release, transfer, close and reopen.
 */

export interface CaseRequest {
  personId: number;
  urgent: boolean;
  reason: HandoffReason;
  topicId?: string;
  locale: LocaleCode;
}

export type HandoffOutcome = { status: 'opened'; caseId: number; urgent: boolean } | { status: 'updated'; caseId: number; becameUrgent: boolean };

/** The person's case as the engine needs it. */
export interface OpenCase {
  id: number;
  status: 'open' | 'claimed';
  card: CaseCard;
}

const OPEN: CaseStatus[] = ['open', 'claimed'];

/** The open (or claimed) case of each of these people, in one statement. */
export async function openCasesOf(tx: DbOrTx, personIds: number[]): Promise<Map<number, OpenCase>> {
  if (personIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: cases.id, personId: cases.personId, status: cases.status, card: cases.card })
    .from(cases)
    .where(and(inArray(cases.personId, personIds), inArray(cases.status, OPEN)));
  return new Map(rows.map((r) => [r.personId, { id: r.id, status: r.status as OpenCase['status'], card: r.card }]));
}

/**
 * Opens a case for a volunteer, or updates the person's open one: one case per person at a time, and
 * urgency only ever goes up (a later calm message does not push an urgent case down the queue).
 */
export async function requestHandoff(tx: DbOrTx, request: CaseRequest, at = new Date()): Promise<HandoffOutcome> {
  const [open] = await tx
    .select({ id: cases.id, urgent: cases.urgent })
    .from(cases)
    .where(and(eq(cases.personId, request.personId), inArray(cases.status, OPEN)))
    .for('update');
  if (open) {
    await tx
      .update(cases)
      .set({
        urgent: sql`${cases.urgent} or ${request.urgent}`,
        locale: request.locale,
        ...(request.topicId ? { topicId: request.topicId } : {}),
        updatedAt: at,
      })
      .where(eq(cases.id, open.id));
    return { status: 'updated', caseId: open.id, becameUrgent: request.urgent && !open.urgent };
  }
  const [created] = await tx
    .insert(cases)
    .values({
      personId: request.personId,
      urgent: request.urgent,
      reason: request.reason,
      topicId: request.topicId ?? null,
      locale: request.locale,
      lastPersonMessageAt: at,
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: cases.id });
  return { status: 'opened', caseId: created!.id, urgent: request.urgent };
}

/**
 * What the intake learnt replaces the card; a deadline within 48 hours makes the case urgent.
 * Returns whether it just became urgent.
 */
export async function applyCard(tx: DbOrTx, caseId: number, card: CaseCard, at: Date): Promise<boolean> {
  const deadline = card.deadlineAt ? new Date(card.deadlineAt) : null;
  const soon = deadline !== null && deadline.getTime() - at.getTime() < URGENT_WITHIN_MS;
  const [before] = await tx.select({ urgent: cases.urgent }).from(cases).where(eq(cases.id, caseId));
  await tx
    .update(cases)
    .set({ card, deadlineAt: deadline, urgent: soon ? true : sql`${cases.urgent}`, updatedAt: at })
    .where(eq(cases.id, caseId));
  return soon && before?.urgent === false;
}

/** The person wrote: the queue's "waiting since" moves for these open cases. */
export async function notePersonMessages(tx: DbOrTx, updates: { caseId: number; at: Date }[]): Promise<void> {
  for (const { caseId, at } of updates) {
    await tx.update(cases).set({ lastPersonMessageAt: at, updatedAt: at }).where(eq(cases.id, caseId));
  }
}

/** A case as the console and the API show it (DESIGN.md, "Case"). It carries no phone number or chat id. */
export interface CaseView {
  id: number;
  status: CaseStatus;
  urgent: boolean;
  deadlineAt: string | null;
  locale: LocaleCode | null;
  channel: ChannelName;
  place: string | null;
  openedAt: string;
  lastPersonMessageAt: string | null;
  claimedBy: { id: number; name: string } | null;
  /** Beyond the contract: since when it is held; the card, why it was opened, and whether no volunteer reads its language. */
  card: CaseCard;
  claimedAt: string | null;
  reason: string;
  topicId: string | null;
  outcome: Outcome | null;
  closedAt: string | null;
  needsInterpreter: boolean;
}

const viewColumns = {
  id: cases.id,
  status: cases.status,
  urgent: cases.urgent,
  deadlineAt: cases.deadlineAt,
  locale: cases.locale,
  channel: people.channel,
  card: cases.card,
  openedAt: cases.createdAt,
  lastPersonMessageAt: cases.lastPersonMessageAt,
  claimedById: cases.claimedBy,
  claimedByName: volunteers.name,
  claimedAt: cases.claimedAt,
  reason: cases.reason,
  topicId: cases.topicId,
  outcome: cases.outcome,
  closedAt: cases.closedAt,
  personId: cases.personId,
  // No active volunteer reads this language: the case needs an interpreter.
  needsInterpreter: sql<boolean>`not exists (
    select 1 from ${volunteers} v where v.removed_at is null and v.languages @> to_jsonb(${cases.locale}::text)
  )`,
};

type ViewRow = { [K in keyof typeof viewColumns]: unknown } & Record<string, unknown>;

function toView(row: ViewRow): CaseView {
  const card = (row.card ?? {}) as CaseCard;
  const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d ? new Date(String(d)).toISOString() : null);
  return {
    id: row.id as number,
    status: row.status as CaseStatus,
    urgent: row.urgent as boolean,
    deadlineAt: iso(row.deadlineAt),
    locale: (row.locale as LocaleCode | null) ?? null,
    channel: row.channel as ChannelName,
    place: card.place ?? card.placeKind ?? null,
    openedAt: iso(row.openedAt)!,
    lastPersonMessageAt: iso(row.lastPersonMessageAt),
    claimedBy: row.claimedById ? { id: row.claimedById as number, name: String(row.claimedByName ?? '') } : null,
    card,
    claimedAt: iso(row.claimedAt),
    reason: row.reason as string,
    topicId: (row.topicId as string | null) ?? null,
    outcome: (row.outcome as Outcome | null) ?? null,
    closedAt: iso(row.closedAt),
    needsInterpreter: row.locale ? Boolean(row.needsInterpreter) : false,
  };
}

/**
 * The queue: urgent first; then, for open cases, those in the reader's languages; then the nearest
 * deadline; then the longest wait. Closed cases: the latest closed first.
 */
export async function caseQueue(
  db: DbOrTx,
  options: { status: CaseStatus; languages?: readonly LocaleCode[]; limit?: number },
): Promise<CaseView[]> {
  const mine = options.languages?.length
    ? [sql`case when ${JSON.stringify(options.languages)}::jsonb @> to_jsonb(${cases.locale}::text) then 0 else 1 end`]
    : [];
  const order: SQL[] =
    options.status === 'closed'
      ? [desc(cases.closedAt)]
      : [
          desc(cases.urgent),
          ...mine,
          sql`${cases.deadlineAt} asc nulls last`,
          sql`coalesce(${cases.lastPersonMessageAt}, ${cases.createdAt}) asc`,
        ];
  const rows = await db
    .select(viewColumns)
    .from(cases)
    .innerJoin(people, eq(people.id, cases.personId))
    .leftJoin(volunteers, eq(volunteers.id, cases.claimedBy))
    .where(eq(cases.status, options.status))
    .orderBy(...order, asc(cases.id))
    .limit(options.limit ?? 200);
  return rows.map((r) => toView(r as ViewRow));
}

/** One case, with the person and conversation it belongs to (for the transcript). */
export async function getCase(db: DbOrTx, caseId: number): Promise<(CaseView & { personId: number }) | undefined> {
  const [row] = await db
    .select(viewColumns)
    .from(cases)
    .innerJoin(people, eq(people.id, cases.personId))
    .leftJoin(volunteers, eq(volunteers.id, cases.claimedBy))
    .where(eq(cases.id, caseId));
  return row ? { ...toView(row as ViewRow), personId: row.personId } : undefined;
}

export type ClaimOutcome =
  /** `fresh`: this call took it (false: the caller held it already). */
  | { status: 'claimed'; fresh: boolean }
  | { status: 'taken'; claimedBy: { id: number; name: string } }
  | { status: 'closed' }
  | { status: 'not-found' };

/**
 * Claims a case: one statement that only an open case passes, so of two volunteers claiming at once
 * exactly one wins; the other learns who holds it. Claiming a case one already holds is a success.
 */
export async function claimCase(db: DbOrTx, caseId: number, volunteerId: number, at: Date): Promise<ClaimOutcome> {
  const won = await db
    .update(cases)
    .set({ status: 'claimed', claimedBy: volunteerId, claimedAt: at, updatedAt: at })
    .where(and(eq(cases.id, caseId), eq(cases.status, 'open')))
    .returning({ id: cases.id });
  if (won.length > 0) return { status: 'claimed', fresh: true };
  const current = await getCase(db, caseId);
  if (!current) return { status: 'not-found' };
  if (current.status === 'closed') return { status: 'closed' };
  if (current.claimedBy?.id === volunteerId) return { status: 'claimed', fresh: false };
  return { status: 'taken', claimedBy: current.claimedBy ?? { id: 0, name: '' } };
}

export type ReleaseOutcome = { status: 'released' } | { status: 'not-holder' } | { status: 'not-claimed' } | { status: 'not-found' };

/** Gives a claimed case back to the queue: its holder, or a coordinator. */
export async function releaseCase(
  db: DbOrTx,
  caseId: number,
  by: { id: number; role: 'volunteer' | 'coordinator' },
  at: Date,
): Promise<ReleaseOutcome> {
  const holder = by.role === 'coordinator' ? sql`true` : eq(cases.claimedBy, by.id);
  const released = await db
    .update(cases)
    .set({ status: 'open', claimedBy: null, claimedAt: null, updatedAt: at, announcedAt: at })
    .where(and(eq(cases.id, caseId), eq(cases.status, 'claimed'), holder))
    .returning({ id: cases.id });
  if (released.length > 0) return { status: 'released' };
  const current = await getCase(db, caseId);
  if (!current) return { status: 'not-found' };
  if (current.status !== 'claimed') return { status: 'not-claimed' };
  return { status: 'not-holder' };
}

/** A coordinator hands a case (open or claimed) to another volunteer. */
export async function transferCase(db: DbOrTx, caseId: number, toVolunteerId: number, at: Date): Promise<boolean> {
  const moved = await db
    .update(cases)
    .set({ status: 'claimed', claimedBy: toVolunteerId, claimedAt: at, updatedAt: at })
    .where(and(eq(cases.id, caseId), inArray(cases.status, OPEN)))
    .returning({ id: cases.id });
  return moved.length > 0;
}

export type CloseOutcome =
  | { status: 'closed'; personId: number; locale: LocaleCode | null }
  | { status: 'not-holder'; claimedBy: { id: number; name: string } | null }
  | { status: 'already-closed' }
  | { status: 'not-found' };

/**
 * Closes a case with its outcome: its holder, anyone when it is not held, or a coordinator. The caller
 * sends the person the closing message in the same transaction.
 */
export async function closeCase(
  tx: DbOrTx,
  caseId: number,
  outcome: Outcome,
  by: { id: number; role: 'volunteer' | 'coordinator' },
  at: Date,
): Promise<CloseOutcome> {
  const allowed = by.role === 'coordinator' ? sql`true` : sql`(${cases.claimedBy} is null or ${cases.claimedBy} = ${by.id})`;
  const [closed] = await tx
    .update(cases)
    .set({ status: 'closed', outcome, closedAt: at, updatedAt: at, claimedBy: null, claimedAt: null })
    .where(and(eq(cases.id, caseId), inArray(cases.status, OPEN), allowed))
    .returning({ personId: cases.personId, locale: cases.locale });
  if (closed) return { status: 'closed', personId: closed.personId, locale: closed.locale };
  const current = await getCase(tx, caseId);
  if (!current) return { status: 'not-found' };
  if (current.status === 'closed') return { status: 'already-closed' };
  return { status: 'not-holder', claimedBy: current.claimedBy };
}

export type ReopenOutcome = { status: 'reopened' } | { status: 'person-has-open-case'; caseId: number } | { status: 'not-closed' } | { status: 'not-found' };

/** Reopens a closed case, unless the person has opened another one since. */
export async function reopenCase(db: DbOrTx, caseId: number, at: Date): Promise<ReopenOutcome> {
  const current = await getCase(db, caseId);
  if (!current) return { status: 'not-found' };
  if (current.status !== 'closed') return { status: 'not-closed' };
  const [other] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.personId, current.personId), inArray(cases.status, OPEN)));
  if (other) return { status: 'person-has-open-case', caseId: other.id };
  await db
    .update(cases)
    .set({ status: 'open', outcome: null, closedAt: null, updatedAt: at, announcedAt: at })
    .where(and(eq(cases.id, caseId), eq(cases.status, 'closed')));
  return { status: 'reopened' };
}

/** The person wrote to a case's volunteer, or a volunteer to the person: the silence clock restarts. */
export async function noteVolunteerMessage(tx: DbOrTx, caseId: number, at: Date): Promise<void> {
  await tx.update(cases).set({ lastVolunteerMessageAt: at, updatedAt: at }).where(eq(cases.id, caseId));
}

/**
 * Claimed cases whose volunteer has said nothing for `silenceMs` (since the claim or their last
 * message) go back to the queue, so nobody waits behind a volunteer who left.
 */
export async function autoReleaseSilent(db: DbOrTx, silenceMs: number, at: Date): Promise<number[]> {
  const cutoff = new Date(at.getTime() - silenceMs).toISOString();
  const released = await db
    .update(cases)
    .set({ status: 'open', claimedBy: null, claimedAt: null, updatedAt: at, announcedAt: at })
    .where(
      and(
        eq(cases.status, 'claimed'),
        sql`greatest(${cases.claimedAt}, coalesce(${cases.lastVolunteerMessageAt}, ${cases.claimedAt})) < ${cutoff}::timestamptz`,
      ),
    )
    .returning({ id: cases.id });
  return released.map((r) => r.id);
}

/**
 * An account is removed: the cases it held go back to the queue (in the removal's transaction).
 * Returns their ids.
 */
export async function releaseCasesHeldBy(db: DbOrTx, volunteerId: number, at: Date): Promise<number[]> {
  const released = await db
    .update(cases)
    .set({ status: 'open', claimedBy: null, claimedAt: null, updatedAt: at })
    .where(and(eq(cases.status, 'claimed'), eq(cases.claimedBy, volunteerId)))
    .returning({ id: cases.id });
  return released.map((r) => r.id);
}

/**
 * The address behind a case (a Telegram chat id, a WhatsApp number or BSUID, a web session id): for a
 * volunteer who asks to see it, never for a list. The caller records who asked (the audit log).
 */
export async function caseIdentifier(db: DbOrTx, caseId: number): Promise<{ channel: ChannelName; externalKey: string } | undefined> {
  const [row] = await db
    .select({ channel: people.channel, externalKey: people.externalKey })
    .from(cases)
    .innerJoin(people, eq(people.id, cases.personId))
    .where(eq(cases.id, caseId));
  // A case is always a person's; the volunteers' group has a people row of its own but no case.
  return row && row.channel !== 'telegram-group' ? { channel: row.channel, externalKey: row.externalKey } : undefined;
}

/** A cheap fingerprint of the queue (how many cases, the latest change), for pages that poll it. */
export async function queueVersion(db: DbOrTx): Promise<string> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int`, latest: sql<string | null>`max(${cases.updatedAt})::text` })
    .from(cases);
  return `${row?.n ?? 0}.${row?.latest ?? ''}`;
}

/**
 * "Delete my data": the person's cases go. Whoever mirrors them is told first (`tell`), while the
 * cases still exist, so the copies elsewhere (the volunteers' group's topics) can go too.
 */
export async function eraseCasesOf(tx: DbOrTx, personId: number, tell?: CaseEventSink): Promise<void> {
  if (tell) {
    const going = await tx.select({ id: cases.id }).from(cases).where(eq(cases.personId, personId)).orderBy(asc(cases.id));
    for (const { id } of going) await tell(tx, { kind: 'erased', caseId: id });
  }
  await tx.delete(cases).where(eq(cases.personId, personId));
}

/**
 * Open cases nobody has taken since they were last announced `afterMs` ago (or opened): they are
 * marked announced now, in the statement that finds them, so each is reminded once per period even
 * with several sweeps running at once.
 */
export async function claimReminders(
  tx: DbOrTx,
  afterMs: number,
  at: Date,
  urgentOnly: boolean,
): Promise<{ caseId: number; openedAt: Date }[]> {
  const cutoff = new Date(at.getTime() - afterMs).toISOString();
  const due = await tx
    .update(cases)
    .set({ announcedAt: at })
    .where(
      and(
        eq(cases.status, 'open'),
        sql`coalesce(${cases.announcedAt}, ${cases.createdAt}) <= ${cutoff}::timestamptz`,
        urgentOnly ? eq(cases.urgent, true) : undefined,
      ),
    )
    .returning({ caseId: cases.id, openedAt: cases.createdAt });
  return due.sort((a, b) => a.caseId - b.caseId);
}

/** A case's topic in the volunteers' Telegram group, as the group's sender left it. */
export interface CaseTopic {
  threadId: number | null;
  cardMessageId: number | null;
  title: string | null;
}

export async function caseTopic(db: DbOrTx, caseId: number): Promise<CaseTopic | undefined> {
  const [row] = await db
    .select({ threadId: cases.telegramThreadId, cardMessageId: cases.telegramCardMessageId, title: cases.telegramTopicTitle })
    .from(cases)
    .where(eq(cases.id, caseId));
  return row;
}

/** The group's sender records what it made: the topic, the card's message, the topic's name. */
export async function setCaseTopic(db: DbOrTx, caseId: number, topic: Partial<CaseTopic>): Promise<void> {
  await db
    .update(cases)
    .set({
      ...(topic.threadId !== undefined ? { telegramThreadId: topic.threadId } : {}),
      ...(topic.cardMessageId !== undefined ? { telegramCardMessageId: topic.cardMessageId } : {}),
      ...(topic.title !== undefined ? { telegramTopicTitle: topic.title } : {}),
    })
    .where(eq(cases.id, caseId));
}

/** The case a forum topic of the volunteers' group belongs to. */
export async function caseOfThread(db: DbOrTx, threadId: number): Promise<number | undefined> {
  const [row] = await db.select({ id: cases.id }).from(cases).where(eq(cases.telegramThreadId, threadId)).limit(1);
  return row?.id;
}

/** Closed cases older than `cutoff` go, even when the person is still around. */
export async function purgeClosedCases(db: DbOrTx, cutoff: Date): Promise<number> {
  const closed = await db
    .delete(cases)
    .where(and(eq(cases.status, 'closed'), isNotNull(cases.closedAt), lt(cases.closedAt, cutoff)))
    .returning({ id: cases.id });
  return closed.length;
}
