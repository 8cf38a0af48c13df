import type { Content } from '../content/index.js';
import type { Outcome } from '../core/handoff.js';
import type { LocaleCode } from '../core/locales.js';
import type { Db } from '../storage/database.js';
import { cannedReply } from './canned.js';
import {
  autoReleaseSilent,
  caseQueue,
  claimCase,
  closeCase,
  getCase,
  releaseCase,
  reopenCase,
  transferCase,
  type CaseView,
  type ClaimOutcome,
  type ReleaseOutcome,
  type ReopenOutcome,
} from './cases.js';
import { addNote, caseTranscript, sendToPerson, type CaseMessage } from './relay.js';

/** Who acts: a volunteer of the console or of the volunteers' group. */
export interface Actor {
  id: number;
  name: string;
  role: 'volunteer' | 'coordinator';
  languages: readonly LocaleCode[];
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
}

/**
 * The handoff as volunteers use it, from the console or the volunteers' group alike: the same queue,
 * the same claim locks, the same outbox. Every change that writes to the person commits with it.
 */
export function createHandoff(deps: HandoffDeps) {
  const { db, content, now, deliverSoon } = deps;
  const deliver = deliverSoon;

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
      const outcome = await claimCase(db, caseId, actor.id, now());
      return outcome.status === 'claimed' ? { ...outcome, case: (await this.view(caseId))!.case } : outcome;
    },

    async release(caseId: number, actor: Actor): Promise<ReleaseOutcome & { case?: CaseView }> {
      const outcome = await releaseCase(db, caseId, actor, now());
      return outcome.status === 'released' ? { ...outcome, case: (await this.view(caseId))!.case } : outcome;
    },

    async transfer(caseId: number, toVolunteerId: number): Promise<CaseView | undefined> {
      if (!(await transferCase(db, caseId, toVolunteerId, now()))) return undefined;
      return (await this.view(caseId))?.case;
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
      const current = await getCase(db, caseId);
      if (!current) return undefined;
      const id = await addNote(db, caseId, current.personId, actor.id, text, at);
      return { id, at: at.toISOString(), author: 'note', text, volunteer: { id: actor.id } };
    },

    /** Closes the case and tells the person, in their language, that the bot is theirs again. */
    async close(caseId: number, outcome: Outcome, actor: Actor): Promise<CloseResult> {
      const at = now();
      const result = await db.transaction(async (tx) => {
        const closed = await closeCase(tx, caseId, outcome, actor, at);
        if (closed.status !== 'closed') return closed;
        const locale = closed.locale ?? 'fr';
        await sendToPerson(tx, content, { caseId, personId: closed.personId, text: content.text(locale, 'case.closed'), author: 'system', locale }, at);
        return closed;
      });
      if (result.status !== 'closed') return result;
      deliver();
      return { status: 'closed', case: (await this.view(caseId))!.case };
    },

    async reopen(caseId: number): Promise<ReopenOutcome & { case?: CaseView }> {
      const outcome = await reopenCase(db, caseId, now());
      return outcome.status === 'reopened' ? { ...outcome, case: (await this.view(caseId))!.case } : outcome;
    },

    autoRelease: (silenceMs: number) => autoReleaseSilent(db, silenceMs, now()),
  };
}

export type Handoff = ReturnType<typeof createHandoff>;
