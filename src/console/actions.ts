import { z } from 'zod';
import type { Content } from '../content/index.js';
import { OUTCOMES, type Outcome } from '../core/handoff.js';
import { listCannedReplies, removeCannedReply, saveCannedReply, type CannedReplyInput } from '../handoff/canned.js';
import { caseIdentifier, getCase, type CaseView } from '../handoff/cases.js';
import type { CaseMessage } from '../handoff/relay.js';
import type { Handoff } from '../handoff/service.js';
import { getVolunteer, volunteerNames, type Volunteer } from '../handoff/volunteers.js';
import { recordAudit } from '../privacy/audit.js';
import type { Db } from '../storage/database.js';
import { caseVersion, holderSentence, localeLabel, situation } from './format.js';

/**
 * What a volunteer does to a case, for the JSON API and the pages alike: each action checks what it
 * must (the case exists, the caller may, the form is not stale), calls the handoff service, and answers
 * with a union: done, or refused with an HTTP status and a sentence that says why and what to do. The
 * API sends `{ error, …detail }` with the status; a page shows the sentence as a flash message.
 */

export type RefusalStatus = 400 | 403 | 404 | 409;
export interface Refusal {
  ok: false;
  status: RefusalStatus;
  error: string;
  /** Extra fields of the API's answer (`claimedBy`, `locale`, the current `case`). */
  detail?: Record<string, unknown>;
}
export type Result<T> = ({ ok: true } & T) | Refusal;

/** A transcript line as the console shows it: with the name of the volunteer who wrote it. */
export type ConsoleMessage = Omit<CaseMessage, 'volunteer'> & { volunteer?: { id: number; name: string } };

// --- Inputs (JSON bodies and form fields share these schemas) --------------------------------------

export const MAX_TEXT = 4000;

const textOf = (what: string) =>
  z
    .string({ message: 'must be text' })
    .trim()
    .min(1, `the ${what} is empty`)
    .max(MAX_TEXT, `the ${what} is longer than ${MAX_TEXT} characters`);

export const replyInput = z
  .object({ text: textOf('reply').optional(), canned: z.string({ message: 'must be a canned reply key' }).trim().min(1, 'choose a canned reply').max(40).optional() })
  .refine((b) => (b.text === undefined) !== (b.canned === undefined), { message: 'send either text or canned (a canned reply key)' })
  .transform((b): ReplyInput => (b.text !== undefined ? { text: b.text } : { canned: b.canned ?? '' }));
export type ReplyInput = { text: string } | { canned: string };

export const noteInput = z.object({ text: textOf('note') });

export const closeInput = z.object({ outcome: z.enum(OUTCOMES, { message: `must be one of ${OUTCOMES.join(', ')}` }) });

export const transferInput = z.object({
  volunteerId: z.coerce.number({ message: 'must be a volunteer id' }).int('must be a volunteer id').positive('must be a volunteer id').max(2_147_483_647),
});

export const statusQuery = z.object({
  status: z.enum(['open', 'claimed', 'closed'], { message: 'must be open, claimed or closed' }).default('open'),
});

export const afterQuery = z.object({
  after: z.coerce.number({ message: 'must be a message id' }).int('must be a message id').min(0, 'must be a message id').default(0),
});

/** A case id in a path: a positive 32-bit number. */
export function caseIdOf(raw: string | undefined): number | undefined {
  return raw && /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : undefined;
}

/** The contract's Case (and the console's extras), never the person's row id. */
export function publicCase(view: CaseView & { personId?: number }): CaseView {
  const { personId: _personId, ...rest } = view;
  return rest;
}

export interface CaseActionsDeps {
  db: Db;
  content: Content;
  handoff: Handoff;
  now: () => Date;
}

export type CaseActions = ReturnType<typeof createCaseActions>;

export function createCaseActions(deps: CaseActionsDeps) {
  const { db, content, handoff, now } = deps;

  const refuse = (status: RefusalStatus, error: string, detail?: Record<string, unknown>): Refusal => ({
    ok: false,
    status,
    error,
    ...(detail ? { detail } : {}),
  });
  const unknownCase = (caseId: number) => refuse(404, `There is no case #${caseId}.`);

  /**
   * A form carries the version of the case its page showed; if the case has moved on since (claimed,
   * released, closed, reopened), acting on it would act on something the volunteer did not see. A
   * guard for people, not a lock: the service's own conditions decide races.
   */
  const stale = (view: CaseView, expected: string | undefined, me: Volunteer): Refusal | undefined => {
    if (expected === undefined || expected === caseVersion(view)) return undefined;
    return refuse(409, `Case #${view.id} changed since this page was shown. ${situation(view, me.id, now())} Nothing was done.`, {
      case: publicCase(view),
    });
  };

  async function withNames(messages: CaseMessage[]): Promise<ConsoleMessage[]> {
    const names = await volunteerNames(db, messages.flatMap((m) => (m.volunteer ? [m.volunteer.id] : [])));
    return messages.map(({ volunteer, ...line }) =>
      volunteer ? { ...line, volunteer: { id: volunteer.id, name: names.get(volunteer.id) ?? `#${volunteer.id}` } } : line,
    );
  }

  return {
    async view(caseId: number, after = 0): Promise<Result<{ case: CaseView; messages: ConsoleMessage[] }>> {
      const found = await handoff.view(caseId, after);
      if (!found) return unknownCase(caseId);
      return { ok: true, case: found.case, messages: await withNames(found.messages) };
    },

    async claim(me: Volunteer, caseId: number, expected?: string): Promise<Result<{ case: CaseView; fresh: boolean }>> {
      const before = await getCase(db, caseId);
      if (!before) return unknownCase(caseId);
      const changed = stale(before, expected, me);
      if (changed) return changed;
      const outcome = await handoff.claim(caseId, me);
      switch (outcome.status) {
        case 'claimed':
          return { ok: true, case: outcome.case!, fresh: outcome.fresh };
        case 'taken': {
          const current = await getCase(db, caseId);
          return refuse(409, holderSentence(current ?? { claimedBy: outcome.claimedBy, claimedAt: null }, me.id, now()), { claimedBy: outcome.claimedBy });
        }
        case 'closed':
          return refuse(409, 'The case was closed meanwhile: reopen it first.');
        case 'not-found':
          return unknownCase(caseId);
        default: {
          const never: never = outcome;
          return never;
        }
      }
    },

    async release(me: Volunteer, caseId: number, expected?: string): Promise<Result<{ case: CaseView }>> {
      const before = await getCase(db, caseId);
      if (!before) return unknownCase(caseId);
      const changed = stale(before, expected, me);
      if (changed) return changed;
      const outcome = await handoff.release(caseId, me);
      switch (outcome.status) {
        case 'released':
          return { ok: true, case: outcome.case! };
        case 'not-holder': {
          const current = (await getCase(db, caseId)) ?? before;
          return refuse(403, `${holderSentence(current, me.id, now())} Only they or a coordinator can release it.`, { claimedBy: current.claimedBy });
        }
        case 'not-claimed': {
          const current = (await getCase(db, caseId)) ?? before;
          return refuse(409, current.status === 'closed' ? 'The case was closed meanwhile: there is nothing to release.' : 'Nobody holds this case: there is nothing to release.');
        }
        case 'not-found':
          return unknownCase(caseId);
        default: {
          const never: never = outcome;
          return never;
        }
      }
    },

    /** A coordinator hands the case to another volunteer (the caller checks the role). */
    async transfer(me: Volunteer, caseId: number, volunteerId: number, expected?: string): Promise<Result<{ case: CaseView }>> {
      const before = await getCase(db, caseId);
      if (!before) return unknownCase(caseId);
      const to = await getVolunteer(db, volunteerId);
      if (!to) return refuse(400, `volunteerId: there is no volunteer #${volunteerId}.`);
      if (before.status === 'closed') return refuse(409, 'This case is closed: reopen it before handing it to someone.');
      const changed = stale(before, expected, me);
      if (changed) return changed;
      const moved = await handoff.transfer(caseId, { id: to.id, name: to.name });
      if (!moved) return (await getCase(db, caseId)) ? refuse(409, 'The case was closed meanwhile.') : unknownCase(caseId);
      return { ok: true, case: moved };
    },

    /** A reply to the person: text, or a canned reply in the person's language. Only the holder may. */
    async reply(me: Volunteer, caseId: number, input: ReplyInput): Promise<Result<{ message: ConsoleMessage }>> {
      if ('canned' in input) {
        const known = (await listCannedReplies(db)).some((r) => r.key === input.canned);
        if (!known) return refuse(400, `canned: there is no canned reply "${input.canned}".`);
      }
      const outcome = await handoff.reply(caseId, me, input);
      switch (outcome.status) {
        case 'queued':
          return { ok: true, message: { ...outcome.message, volunteer: { id: me.id, name: me.name } } };
        case 'not-holder': {
          if (!outcome.claimedBy) return refuse(409, 'Nobody holds this case: claim it before writing to the person.', { claimedBy: null });
          const current = await getCase(db, caseId);
          return refuse(409, `${holderSentence(current ?? { claimedBy: outcome.claimedBy, claimedAt: null }, me.id, now())} Only they can write to the person.`, {
            claimedBy: outcome.claimedBy,
          });
        }
        case 'closed':
          return refuse(409, 'The case was closed meanwhile: nothing was sent.');
        case 'not-found':
          return unknownCase(caseId);
        case 'no-canned-reply': {
          const language = localeLabel(content, outcome.locale).english;
          return refuse(409, `This reply does not exist in ${language} yet: write it yourself or ask a coordinator to add it.`, { locale: outcome.locale });
        }
        default: {
          const never: never = outcome;
          return never;
        }
      }
    },

    /** An internal note: anyone may write one, on any case, and it never reaches the person. */
    async note(me: Volunteer, caseId: number, text: string): Promise<Result<{ message: ConsoleMessage }>> {
      const message = await handoff.note(caseId, me, text);
      if (!message) return unknownCase(caseId);
      return { ok: true, message: { ...message, volunteer: { id: me.id, name: me.name } } };
    },

    async close(me: Volunteer, caseId: number, outcome: Outcome, expected?: string): Promise<Result<{ case: CaseView }>> {
      const before = await getCase(db, caseId);
      if (!before) return unknownCase(caseId);
      const changed = stale(before, expected, me);
      if (changed) return changed;
      const closed = await handoff.close(caseId, outcome, me);
      switch (closed.status) {
        case 'closed':
          return { ok: true, case: closed.case };
        case 'not-holder': {
          const current = (await getCase(db, caseId)) ?? before;
          return refuse(409, `${holderSentence(current, me.id, now())} Only they or a coordinator can close it.`, { claimedBy: closed.claimedBy });
        }
        case 'already-closed':
          return refuse(409, 'The case was closed meanwhile.');
        case 'not-found':
          return unknownCase(caseId);
        default: {
          const never: never = closed;
          return never;
        }
      }
    },

    async reopen(me: Volunteer, caseId: number, expected?: string): Promise<Result<{ case: CaseView }>> {
      const before = await getCase(db, caseId);
      if (!before) return unknownCase(caseId);
      const changed = stale(before, expected, me);
      if (changed) return changed;
      const outcome = await handoff.reopen(caseId);
      switch (outcome.status) {
        case 'reopened':
          return { ok: true, case: outcome.case! };
        case 'not-closed':
          return refuse(409, 'This case is not closed: there is nothing to reopen.');
        case 'person-has-open-case':
          return refuse(409, `The person has opened another case since: #${outcome.caseId}. Work on that one.`, { caseId: outcome.caseId });
        case 'not-found':
          return unknownCase(caseId);
        default: {
          const never: never = outcome;
          return never;
        }
      }
    },

    /**
     * The person's identifier (chat id, phone number, BSUID), for the case's holder or a coordinator,
     * recorded in the audit log (who, when, which case) in the same transaction: no reveal without its
     * trace.
     */
    async reveal(me: Volunteer, caseId: number): Promise<Result<{ identifier: string; kind: IdentifierKind; channel: string }>> {
      return db.transaction(async (tx): Promise<Result<{ identifier: string; kind: IdentifierKind; channel: string }>> => {
        const current = await getCase(tx, caseId);
        if (!current) return unknownCase(caseId);
        if (me.role !== 'coordinator' && current.claimedBy?.id !== me.id) {
          return refuse(403, 'Only the volunteer who holds this case, or a coordinator, can see the person’s number or chat id: claim it first.');
        }
        const found = await caseIdentifier(tx, caseId);
        if (!found) return unknownCase(caseId);
        const kind = identifierKind(found.channel, found.externalKey);
        await recordAudit(tx, { volunteerId: me.id, action: 'reveal-identifier', caseId, at: now(), detail: { channel: found.channel, kind } });
        return { ok: true, identifier: kind === 'phone-number' ? `+${found.externalKey}` : found.externalKey, kind, channel: found.channel };
      });
    },
  };
}

/** A coordinator saves a canned reply (new, or a new text for its key and locale), audited with it. */
export async function saveCanned(db: Db, input: CannedReplyInput, me: Volunteer, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await saveCannedReply(tx, input, me.id, at);
    await recordAudit(tx, { volunteerId: me.id, action: 'canned.saved', at, detail: { key: input.key, locale: input.locale } });
  });
}

/** A coordinator deletes one locale's text of a canned reply; false when there was none. */
export async function deleteCanned(db: Db, target: Pick<CannedReplyInput, 'key' | 'locale'>, me: Volunteer, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await removeCannedReply(tx, target.key, target.locale);
    if (removed) await recordAudit(tx, { volunteerId: me.id, action: 'canned.removed', at, detail: { key: target.key, locale: target.locale } });
    return removed;
  });
}

export type IdentifierKind = 'chat-id' | 'phone-number' | 'bsuid' | 'web-session';

export const IDENTIFIER_LABELS: Record<IdentifierKind, string> = {
  'chat-id': 'Telegram chat id',
  'phone-number': 'WhatsApp phone number',
  bsuid: 'WhatsApp user id (BSUID)',
  'web-session': 'web chat session',
};

/** What kind of address a person's key is: a WhatsApp key of digits is their phone number. */
export function identifierKind(channel: string, key: string): IdentifierKind {
  if (channel === 'telegram') return 'chat-id';
  if (channel === 'whatsapp') return /^\d+$/.test(key) ? 'phone-number' : 'bsuid';
  return 'web-session';
}
