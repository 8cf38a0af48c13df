import type { Api } from 'grammy';
import type { CallbackQuery, Message, Update } from 'grammy/types';
import type { CasePostStep } from '../../../core/handoff.js';
import { caseOfThread } from '../../../handoff/cases.js';
import type { Actor, Handoff } from '../../../handoff/service.js';
import { firstSeen, forgetSeen } from '../../../inbound/events.js';
import type { Logger } from '../../../logger.js';
import type { Db } from '../../../storage/database.js';
import type { Received } from '../../webhook.js';
import { decodeCaseTap, type CaseTap } from './callback-data.js';
import type { Members } from './members.js';
import type { CaseMirror } from './mirror.js';
import { answer, caseKeyboard, notice, outcomeKeyboard } from './posts.js';
import type { SendWindow } from './send-window.js';

/**
 * What a volunteer does in the group, for the webhook and long polling alike. Nothing here is ever a
 * person's message: the group's updates never reach the inbox or the engine.
 *
 * - A tap on a case's button (`c:<action>:<case>[:<outcome>]`): take, release, close (after asking
 *   how it ended), reopen. Answered at once with a short line (a callback answer), never through the
 *   outbox; a refused tap changes nothing and says who holds the case.
 * - A plain text in a case's topic: a reply to the person, through the handoff service (the same
 *   claim lock and outbox as the console); in an unclaimed case it first takes the case for the writer.
 * - `/note …`: an internal note (a ✍ reaction says it was kept).
 * - Anything refused (someone else holds the case, it is closed, a photo or a file, an unknown
 *   command, an anonymous admin) gets a notice in the topic answering the message, and nothing
 *   reaches the person.
 *
 * The update is acted on before Telegram gets its answer, with its id recorded first
 * (`group:<update_id>`), so a retried webhook is not acted on twice; if acting fails, the id is
 * forgotten again and the answer is an error, so Telegram's retry does it. The answers to taps, the
 * keyboards and the reaction come after the answer, as chores.
 */
export interface GroupReceiverDeps {
  api: Api;
  db: Db;
  chatId: string;
  handoff: Handoff;
  members: Members;
  mirror: CaseMirror;
  window: SendWindow;
  logger: Logger;
  now: () => Date;
  /** Delivers what was just queued (a notice). */
  deliverSoon: () => void;
  /** The bot's rights in the group changed: ask again, and release what waited for them. */
  recheck: () => Promise<unknown>;
}

type Chore = () => Promise<unknown>;

interface TapResult {
  answer?: { text: string; alert?: boolean };
  chores?: Chore[];
}

export function createGroupReceiver(deps: GroupReceiverDeps): (update: Update) => Received {
  const { api, db, chatId, handoff, members, mirror, window, logger, now, deliverSoon } = deps;

  /** Acts once per update: the id is kept first, and forgotten if acting fails (Telegram will retry). */
  function once(updateId: number, act: () => Promise<void>, onFresh: () => void): () => Promise<void> {
    const key = `group:${updateId}`;
    return async () => {
      if (!(await firstSeen(db, 'telegram', key, now()))) return;
      try {
        await act();
      } catch (error) {
        await forgetSeen(db, 'telegram', key).catch(() => {});
        throw error;
      }
      onFresh();
    };
  }

  const quietly = (chore: string) => (error: unknown) => logger.debug('telegram.group_chore_failed', { chore, error });

  /** A notice in the topic, answering the message it refuses. */
  async function tell(caseId: number, text: string, replyTo?: number): Promise<void> {
    const step: CasePostStep = { do: 'say', text, ...(replyTo ? { replyTo } : {}) };
    await db.transaction((tx) => mirror.post(tx, caseId, [step]));
    deliverSoon();
  }

  /** A chore that changes a message of the group: only with a slot of the send window, else skipped. */
  function withSlot(chore: string, run: () => Promise<unknown>): Chore {
    return async () => {
      const slot = await window.take();
      if (slot.ok) await run().catch(quietly(chore));
    };
  }

  // --- taps -----------------------------------------------------------------------------------

  async function onTap(query: CallbackQuery): Promise<TapResult> {
    const tap = decodeCaseTap(query.data);
    if (!tap) return { answer: { text: answer.unknownButton() } };
    if (!(await members.isMember(query.from.id))) return { answer: { text: answer.notMember(), alert: true } };
    const who = await members.actorFor(query.from);
    if (who.status === 'refused') return { answer: { text: answer.refused(who.why), alert: true } };
    return act(tap, who.actor, query);
  }

  /** The tapped message's keyboard becomes `markup` (closing asks how it ended on the same message). */
  function rekey(query: CallbackQuery, markup: ReturnType<typeof caseKeyboard>): Chore[] {
    const message = query.message;
    // An inaccessible message (older than 48 hours) has date 0 and cannot be edited.
    if (!message || message.date === 0) return [];
    return [withSlot('keyboard', () => api.editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: markup }))];
  }

  async function act(tap: CaseTap, actor: Actor, query: CallbackQuery): Promise<TapResult> {
    const id = tap.caseId;
    switch (tap.action) {
      case 'claim': {
        const claim = await handoff.claim(id, actor);
        switch (claim.status) {
          case 'claimed':
            return { answer: { text: claim.fresh ? answer.claimed(id) : answer.alreadyYours(id) } };
          case 'taken':
            return { answer: { text: answer.taken(id, claim.claimedBy.name), alert: true } };
          case 'closed':
            return { answer: { text: answer.closed(id) } };
          case 'not-found':
            return { answer: { text: answer.gone() } };
        }
        break;
      }
      case 'release': {
        const released = await handoff.release(id, actor);
        switch (released.status) {
          case 'released':
            return { answer: { text: answer.released(id) } };
          case 'not-holder': {
            const holder = (await handoff.view(id))?.case.claimedBy?.name ?? 'Someone else';
            return { answer: { text: answer.notHolder(id, holder, 'release'), alert: true } };
          }
          case 'not-claimed':
            return { answer: { text: answer.notClaimed(id) } };
          case 'not-found':
            return { answer: { text: answer.gone() } };
        }
        break;
      }
      case 'close': {
        if (tap.outcome) {
          const closed = await handoff.close(id, tap.outcome, actor);
          switch (closed.status) {
            case 'closed':
              return { answer: { text: answer.closedNow(id) }, chores: rekey(query, caseKeyboard(id)) };
            case 'not-holder':
              return { answer: { text: answer.notHolder(id, closed.claimedBy?.name ?? 'Someone else', 'close'), alert: true } };
            case 'already-closed':
              return { answer: { text: answer.closed(id) } };
            case 'not-found':
              return { answer: { text: answer.gone() } };
          }
        }
        // First ask how it ended, on the tapped message — only if this volunteer may close it.
        const found = await handoff.view(id);
        if (!found) return { answer: { text: answer.gone() } };
        const kase = found.case;
        if (kase.status === 'closed') return { answer: { text: answer.closed(id) } };
        if (kase.claimedBy && kase.claimedBy.id !== actor.id && actor.role !== 'coordinator') {
          return { answer: { text: answer.notHolder(id, kase.claimedBy.name, 'close'), alert: true } };
        }
        const slot = await window.take();
        if (!slot.ok) return { answer: { text: answer.busy(Math.ceil(slot.waitMs / 1000)), alert: true } };
        const message = query.message;
        if (!message || message.date === 0) return { answer: { text: answer.unknownButton() } };
        return {
          answer: { text: answer.howDidItEnd() },
          chores: [() => api.editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: outcomeKeyboard(id) }).catch(quietly('keyboard'))],
        };
      }
      case 'back':
        return { chores: rekey(query, caseKeyboard(id)) };
      case 'reopen': {
        const reopened = await handoff.reopen(id, actor);
        switch (reopened.status) {
          case 'reopened':
            return { answer: { text: answer.reopened(id) } };
          case 'person-has-open-case':
            return { answer: { text: answer.otherOpenCase(reopened.caseId), alert: true } };
          case 'not-closed':
            return { answer: { text: answer.notClosed(id) } };
          case 'not-found':
            return { answer: { text: answer.gone() } };
        }
        break;
      }
    }
    return {};
  }

  function tapped(updateId: number, query: CallbackQuery): Received {
    let result: TapResult | undefined;
    return {
      messages: [],
      before: [once(updateId, async () => void (result = await onTap(query)), () => {})],
      // A retried duplicate was answered the first time (`result` stays unset).
      after: () =>
        result
          ? [
              () =>
                api
                  .answerCallbackQuery(query.id, result!.answer ? { text: result!.answer.text, show_alert: result!.answer.alert ?? false } : {})
                  .catch(quietly('answer_callback')),
              ...(result.chores ?? []),
            ]
          : [],
    };
  }

  // --- messages in a topic --------------------------------------------------------------------

  async function onTopicMessage(message: Message, chores: Chore[]): Promise<void> {
    const caseId = await caseOfThread(db, message.message_thread_id!);
    // A topic Relais did not make (members may have their own): not ours.
    if (caseId === undefined) return;
    const replyTo = message.message_id;
    if (message.sender_chat) return tell(caseId, notice.anonymous(), replyTo);
    const from = message.from;
    if (!from || from.is_bot) return;
    if (!(await members.isMember(from.id))) {
      logger.info('telegram.group_not_member', { case: caseId });
      return;
    }
    const who = await members.actorFor(from);
    if (who.status === 'refused') return tell(caseId, notice.refused(who.why), replyTo);
    const actor = who.actor;
    if (typeof message.text !== 'string') return tell(caseId, notice.media(), replyTo);

    const command = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(message.text.trim());
    if (command) {
      if (command[1]!.toLowerCase() !== 'note') return tell(caseId, notice.unknownCommand(`/${command[1]}`), replyTo);
      const text = command[2]?.trim() ?? '';
      if (text === '') return tell(caseId, notice.emptyNote(), replyTo);
      await handoff.note(caseId, actor, text);
      // Kept, and not sent to the person: a reaction says so without a message of its own.
      chores.push(withSlot('reaction', () => api.setMessageReaction(message.chat.id, message.message_id, [{ type: 'emoji', emoji: '✍' }])));
      return;
    }

    // The first reply in an unclaimed topic takes the case for its writer; the lock decides.
    const claim = await handoff.claim(caseId, actor);
    if (claim.status === 'taken') return tell(caseId, notice.notHolder(caseId, claim.claimedBy.name), replyTo);
    if (claim.status === 'closed') return tell(caseId, notice.closed(caseId), replyTo);
    if (claim.status === 'not-found') return;
    const reply = await handoff.reply(caseId, actor, { text: message.text });
    if (reply.status === 'not-holder') return tell(caseId, notice.notHolder(caseId, reply.claimedBy?.name ?? 'someone else'), replyTo);
    if (reply.status === 'closed') return tell(caseId, notice.closed(caseId), replyTo);
  }

  function inTopic(updateId: number, message: Message): Received {
    // The General topic, and messages outside topics, are the members' own.
    if (!message.is_topic_message || message.message_thread_id === undefined) return { messages: [] };
    // Service messages (a topic made, renamed, closed; someone joined): nothing to do.
    if (typeof message.text !== 'string' && !carriesMedia(message)) return { messages: [] };
    const chores: Chore[] = [];
    let fresh = false;
    return {
      messages: [],
      before: [once(updateId, () => onTopicMessage(message, chores), () => (fresh = true))],
      after: () => (fresh ? chores : []),
    };
  }

  return (update) => {
    if (update.my_chat_member) {
      logger.info('telegram.group_rights_changed', { status: update.my_chat_member.new_chat_member.status });
      return { messages: [], after: () => [() => deps.recheck().catch(quietly('recheck'))] };
    }
    if (update.callback_query) {
      const query = update.callback_query;
      if (String(query.message?.chat.id) !== chatId) return { messages: [] };
      return tapped(update.update_id, query);
    }
    if (update.message) return inTopic(update.update_id, update.message);
    return { messages: [] };
  };
}

/** What a member may send that is not text: refused, said so. */
function carriesMedia(message: Message): boolean {
  return Boolean(
    message.photo ||
      message.sticker ||
      message.voice ||
      message.audio ||
      message.video ||
      message.video_note ||
      message.animation ||
      message.document ||
      message.location ||
      message.venue ||
      message.contact ||
      message.poll ||
      message.dice,
  );
}
