import type { Content } from '../content/index.js';
import type { Outcome } from '../core/handoff.js';
import type { LocaleCode } from '../core/locales.js';
import type { Db, DbOrTx } from '../storage/database.js';
import { cannedReply } from './canned.js';
import {
  autoReleaseSilent,
  caseQueue,
  claimReminders,
  claimCase,
  closeCase,
  getCase,
  releaseCase,
  releaseCasesHeldBy,
  reopenCase,
  transferCase,
  type CaseView,
  type ClaimOutcome,
  type ReleaseOutcome,
  type ReopenOutcome,
} from './cases.js';
import type { ActorVia, CaseEventSink } from './events.js';
import { addNote, caseTranscript, sendToPerson, type CaseMessage } from './relay.js';

/** Who acts: a volunteer of the console or of the volunteers' group. */
export interface Actor {
  id: number;
  name: string;
  role: 'volunteer' | 'coordinator';
  languages: readonly LocaleCode[];
  /** Where they act from, when not the console (what they write there is not mirrored back to it). */
  via?: ActorVia;
}

export type ReplyOutcome =
  | { status: 'queued'; message: CaseMessage }
  | { status: 'not-holder'; claimedBy: { id: number; name: string } | null }
  | { status: 'closed' }
  | { status: 'not-found' }
  | { status: 'no-canned-reply'; locale: LocaleCode };

export type CloseResult =
  | { status: 'closed'; case: CaseView }
  | { status: 'not-holder'; claimedBy: { id: number; name: string } | null }
  | { status: 'already-closed' }
  | { status: 'not-found' };

export interface HandoffDeps {
  db: Db;
  content: Content;
  now: () => Date;
  /** Delivers what a reply or a close queued, after the response (deferred, coalesced). */
  deliverSoon: () => void;
  /** Told what happens to cases, inside the transaction that changes them. */
  caseEvents?: CaseEventSink;
}

/**
 * The handoff as volunteers use it, from the console or the volunteers' group alike: the same queue,
 * the same claim locks, the same outbox. Every change that writes to the person commits with it.
 */
export function createHandoff(deps: HandoffDeps) {
  const { db, content, now, deliverSoon } = deps;
  const deliver = deliverSoon;
  const tell = deps.caseEvents ?? (async () => {});
  // What a mirror queued (a post to the volunteers' group) goes out like a reply: right after.
  const mirrored = deps.caseEvents ? deliver : () => {};
  const who = (actor: Actor) => ({ id: actor.id, name: actor.name });
  const via = (actor: Actor) => (actor.via ? { via: actor.via } : {});

  return {
    queue: (status: CaseView['status'], viewer?: Actor) =>
      caseQueue(db, { status, ...(viewer ? { languages: viewer.languages } : {}) }),

    async view(caseId: number, after = 0): Promise<{ case: CaseView; messages: CaseMessage[] } | undefined> {
      const found = await getCase(db, caseId);
      if (!found) return undefined;
      const { personId, ...view } = found;
      return { case: view, messages: await caseTranscript(db, caseId, personId, after) };
    },

    async claim(caseId: number, actor: Actor): Promise<ClaimOutcome & { case?: CaseView }> {
      const outcome = await db.transaction(async (tx) => {
        const result = await claimCase(tx, caseId, actor.id, now());
        if (result.status === 'claimed' && result.fresh) await tell(tx, { kind: 'claimed', caseId, by: who(actor) });
        return result;
      });
      if (outcome.status === 'claimed' && outcome.fresh) mirrored();
      return outcome.status === 'claimed' ? { ...outcome, case: (await this.view(caseId))!.case } : outcome;
    },

    async release(caseId: number, actor: Actor): Promise<ReleaseOutcome & { case?: CaseView }> {
      const outcome = await db.transaction(async (tx) => {
        const result = await releaseCase(tx, caseId, actor, now());
        if (result.status === 'released') await tell(tx, { kind: 'released', caseId, by: who(actor) });
        return result;
      });
      if (outcome.status === 'released') mirrored();
      return outcome.status === 'released' ? { ...outcome, case: (await this.view(caseId))!.case } : outcome;
    },

    async transfer(caseId: number, to: { id: number; name: string }): Promise<CaseView | undefined> {
      const moved = await db.transaction(async (tx) => {
        if (!(await transferCase(tx, caseId, to.id, now()))) return false;
        await tell(tx, { kind: 'claimed', caseId, by: to });
        return true;
      });
      if (moved) mirrored();
      return moved ? (await this.view(caseId))?.case : undefined;
    },

    /** A reply to the person, as text or a canned reply in the person's language. Only the holder may. */
    async reply(caseId: number, actor: Actor, input: { text: string } | { canned: string }): Promise<ReplyOutcome> {
      const at = now();
      const outcome = await db.transaction(async (tx): Promise<ReplyOutcome> => {
        const current = await getCase(tx, caseId);
        if (!current) return { status: 'not-found' };
        if (current.status === 'closed') return { status: 'closed' };
        if (current.status !== 'claimed' || current.claimedBy?.id !== actor.id) return { status: 'not-holder', claimedBy: current.claimedBy };
        const locale = current.locale ?? 'fr';
        let text: string;
        if ('canned' in input) {
          const canned = await cannedReply(tx, input.canned, locale);
          // Never French instead: the volunteer learns the reply is missing in the person's language.
          if (!canned) return { status: 'no-canned-reply', locale };
          text = canned.text;
        } else text = input.text;
        const line = await sendToPerson(tx, content, { caseId, personId: current.personId, text, author: 'volunteer', volunteerId: actor.id, locale }, at);
        await tell(tx, { kind: 'volunteer-reply', caseId, by: who(actor), text, ...via(actor) });
        return {
          status: 'queued',
          message: { id: line.id, at: at.toISOString(), author: 'volunteer', text, volunteer: { id: actor.id }, delivery: { state: 'queued' } },
        };
      });
      if (outcome.status === 'queued') deliver();
      return outcome;
    },

    async note(caseId: number, actor: Actor, text: string): Promise<CaseMessage | undefined> {
      const at = now();
      const note = await db.transaction(async (tx) => {
        const current = await getCase(tx, caseId);
        if (!current) return undefined;
        const id = await addNote(tx, caseId, current.personId, actor.id, text, at);
        await tell(tx, { kind: 'note', caseId, by: who(actor), text, ...via(actor) });
        return { id, at: at.toISOString(), author: 'note' as const, text, volunteer: { id: actor.id } };
      });
      if (note) mirrored();
      return note;
    },

    /** Closes the case and tells the person, in their language, that the bot is theirs again. */
    async close(caseId: number, outcome: Outcome, actor: Actor): Promise<CloseResult> {
      const at = now();
      const result = await db.transaction(async (tx) => {
        const closed = await closeCase(tx, caseId, outcome, actor, at);
        if (closed.status !== 'closed') return closed;
        const locale = closed.locale ?? 'fr';
        await sendToPerson(tx, content, { caseId, personId: closed.personId, text: content.text(locale, 'case.closed'), author: 'system', locale }, at);
        await tell(tx, { kind: 'closed', caseId, outcome, by: who(actor) });
        return closed;
      });
      if (result.status !== 'closed') return result;
      deliver();
      return { status: 'closed', case: (await this.view(caseId))!.case };
    },

    /** Reopens a closed case (back in the queue, unclaimed). `actor`, when known, is named to the group. */
    async reopen(caseId: number, actor?: Actor): Promise<ReopenOutcome & { case?: CaseView }> {
      const outcome = await db.transaction(async (tx) => {
        const result = await reopenCase(tx, caseId, now());
        if (result.status === 'reopened') await tell(tx, { kind: 'reopened', caseId, ...(actor ? { by: who(actor) } : {}) });
        return result;
      });
      if (outcome.status === 'reopened') mirrored();
      return outcome.status === 'reopened' ? { ...outcome, case: (await this.view(caseId))!.case } : outcome;
    },

    /**
     * Open cases nobody has taken for `afterMs` since they were last announced (opened, released,
     * reopened, or reminded) are announced again, once per period (the sweep). `urgentOnly`: outside
     * office hours only urgent cases are worth waking volunteers for; the others wait for the morning.
     */
    remindWaiting: (afterMs: number, options: { urgentOnly?: boolean } = {}) =>
      db.transaction(async (tx) => {
        const at = now();
        const due = await claimReminders(tx, afterMs, at, options.urgentOnly ?? false);
        for (const { caseId, openedAt } of due) {
          await tell(tx, { kind: 'waiting', caseId, minutes: Math.floor((at.getTime() - openedAt.getTime()) / 60_000) });
        }
        return due.map((d) => d.caseId);
      }),

    /** Claimed cases whose volunteer went silent go back to the queue (the sweep). */
    autoRelease: (silenceMs: number) =>
      db.transaction(async (tx) => {
        const released = await autoReleaseSilent(tx, silenceMs, now());
        for (const caseId of released) await tell(tx, { kind: 'released', caseId, by: null });
        return released;
      }),

    /** An account is being removed: the cases it holds go back to the queue, in the removal's transaction. */
    async releaseAllHeldBy(tx: DbOrTx, volunteerId: number): Promise<number[]> {
      const released = await releaseCasesHeldBy(tx, volunteerId, now());
      for (const caseId of released) await tell(tx, { kind: 'released', caseId, by: null });
      return released;
    },
  };
}

export type Handoff = ReturnType<typeof createHandoff>;
