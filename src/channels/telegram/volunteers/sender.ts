import { GrammyError, HttpError, type Api } from 'grammy';
import type { CasePostStep } from '../../../core/handoff.js';
import { caseTopic, getCase, setCaseTopic, type CaseTopic } from '../../../handoff/cases.js';
import { caseTranscript } from '../../../handoff/relay.js';
import type { Logger } from '../../../logger.js';
import type { ChannelSender, Delivery, SendOutcome } from '../../../outbox/sender.js';
import type { Db } from '../../../storage/database.js';
import { cardText, caseKeyboard, reopenKeyboard, topicName } from './posts.js';
import type { SendWindow } from './send-window.js';

/**
 * The outbox's sender for the volunteers' group: carries out one post about a case, call by call.
 * Before the post's own steps it makes sure the case has its topic (named for triage) and its card
 * (with the case's buttons), and that the topic's name still says what it should (urgent, who holds
 * it). Every call first takes a slot in the group's send window; without one the post waits its turn
 * (`throttled`: no attempt is spent), resuming later after the steps already done.
 *
 * What Telegram answers:
 * - 429: the whole group pauses for `retry_after`, the post waits (no attempt spent);
 * - 5xx, network: retried with the outbox's backoff;
 * - 403, "chat not found", "not enough rights": the bot cannot post or manage topics there. The post
 *   is *held* with every later one (never dropped), the group's status says why (the console and
 *   the logs show it), and they go again once the bot's rights are back (see index.ts);
 * - the topic or the card's message deleted by a member: forgotten, made again at the next attempt;
 * - "not modified": already as wanted, done.
 */
export interface GroupSenderOptions {
  api: Api;
  db: Db;
  window: SendWindow;
  logger: Logger;
  /** The bot cannot post or manage topics in the group (why, in an operator's words). */
  onBlocked(problem: string): void;
}

type Halt = Exclude<SendOutcome, { status: 'sent' }>;

/** Thrown by a call to stop the post here; carries what the outbox should do. */
class Stop {
  constructor(readonly outcome: Halt) {}
}

export function createGroupSender(options: GroupSenderOptions): ChannelSender {
  const { api, db, window, logger, onBlocked } = options;

  /** One call to the group: a slot first, then Telegram; `undefined` when Telegram said "not modified". */
  /** `onGone`: the topic or message is not there (a member deleted it): `again` remakes it at the next attempt. */
  async function call<T>(what: string, run: () => Promise<T>, onGone?: () => Promise<'done' | 'again'>): Promise<T | undefined> {
    const slot = await window.take();
    if (!slot.ok) {
      throw new Stop({ status: 'retry', throttled: true, retryAfterMs: slot.waitMs, reason: 'waiting for the volunteers’ group’s limit (20 messages a minute)' });
    }
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof GrammyError)) {
        const reason = error instanceof HttpError ? `network: ${error.message}` : `unexpected: ${error instanceof Error ? error.name : 'error'}`;
        throw new Stop({ status: 'retry', reason });
      }
      const reason = `${what}: ${error.error_code} ${error.description}`;
      if (error.error_code === 429) {
        const ms = (error.parameters?.retry_after ?? 5) * 1000;
        await window.pause(ms);
        throw new Stop({ status: 'retry', throttled: true, retryAfterMs: ms, reason });
      }
      if (error.error_code >= 500 || error.error_code === 401) throw new Stop({ status: 'retry', reason });
      const description = error.description;
      if (/not modified/i.test(description)) return undefined;
      if (onGone && /thread not found|TOPIC_ID_INVALID|TOPIC_DELETED|message to edit not found|MESSAGE_ID_INVALID/i.test(description)) {
        if ((await onGone()) === 'done') return undefined;
        throw new Stop({ status: 'retry', retryAfterMs: 0, reason: `${reason} (made again at the next attempt)` });
      }
      if (error.error_code === 403 || /not enough rights|CHAT_ADMIN_REQUIRED|rights|chat not found|TOPIC_CLOSED/i.test(description)) {
        onBlocked(description);
        throw new Stop({ status: 'held', reason: `the bot cannot post in the volunteers’ group: ${reason}` });
      }
      throw new Stop({ status: 'failed', reason });
    }
  }

  async function deliver(delivery: Delivery, done: string[]): Promise<void> {
    const post = delivery.payload.casePost!;
    const chat = delivery.personKey;
    const steps = post.steps;

    // The person erased their data: their case is gone, its topic goes.
    const [first] = steps;
    if (steps.length === 1 && first?.do === 'delete-topic') {
      if (done.length === 0) {
        await call('deleteForumTopic', () => api.deleteForumTopic(chat, first.threadId), async () => 'done');
        done.push('deleted');
      }
      return;
    }

    const found = await getCase(db, post.caseId);
    // Erased or purged since: nothing left to say about it.
    if (!found) return;
    const { personId, ...view } = found;
    const topic: CaseTopic = (await caseTopic(db, post.caseId)) ?? { threadId: null, cardMessageId: null, title: null };
    const forget = async () => {
      await setCaseTopic(db, post.caseId, { threadId: null, cardMessageId: null, title: null });
      return 'again' as const;
    };

    if (topic.threadId === null) {
      // Opened and closed before its turn came (or before the bot could post): no topic to make.
      if (view.status === 'closed') return;
      const name = topicName(view);
      const created = await call('createForumTopic', () => api.createForumTopic(chat, name));
      if (!created) throw new Stop({ status: 'retry', reason: 'createForumTopic returned nothing' });
      topic.threadId = created.message_thread_id;
      topic.title = name;
      topic.cardMessageId = null;
      await setCaseTopic(db, post.caseId, { threadId: topic.threadId, title: name, cardMessageId: null });
    }
    const threadId = topic.threadId;

    const card = async () => {
      const background = (await caseTranscript(db, post.caseId, personId)).filter((m) => m.at <= view.openedAt);
      return cardText(view, background);
    };
    if (topic.cardMessageId === null) {
      const text = await card();
      const sent = await call(
        'sendMessage',
        () => api.sendMessage(chat, text, { message_thread_id: threadId, reply_markup: caseKeyboard(view.id), link_preview_options: { is_disabled: true } }),
        forget,
      );
      if (sent) {
        topic.cardMessageId = sent.message_id;
        await setCaseTopic(db, post.caseId, { cardMessageId: sent.message_id });
      }
    }

    // The name says urgent and who holds it; a closed topic keeps the name it had.
    const name = topicName(view);
    if (view.status !== 'closed' && name !== topic.title) {
      await call('editForumTopic', () => api.editForumTopic(chat, threadId, { name }), forget);
      await setCaseTopic(db, post.caseId, { title: name });
    }

    for (let index = done.length; index < steps.length; index++) {
      done.push(await carryOut(steps[index]!, chat, threadId, view.id, topic.cardMessageId, card, forget));
    }
  }

  async function carryOut(
    step: CasePostStep,
    chat: string,
    threadId: number,
    caseId: number,
    cardMessageId: number | null,
    card: () => Promise<string>,
    forget: () => Promise<'again'>,
  ): Promise<string> {
    switch (step.do) {
      case 'say': {
        const markup = step.buttons === 'case' ? caseKeyboard(caseId) : step.buttons === 'reopen' ? reopenKeyboard(caseId) : undefined;
        const sent = await call(
          'sendMessage',
          () =>
            api.sendMessage(chat, step.text, {
              message_thread_id: threadId,
              ...(markup ? { reply_markup: markup } : {}),
              ...(step.replyTo ? { reply_parameters: { message_id: step.replyTo, allow_sending_without_reply: true } } : {}),
              link_preview_options: { is_disabled: true },
            }),
          forget,
        );
        return sent ? String(sent.message_id) : '';
      }
      case 'refresh-card': {
        if (cardMessageId === null) return 'card';
        const text = await card();
        const cardGone = async () => {
          await setCaseTopic(db, caseId, { cardMessageId: null });
          return 'again' as const;
        };
        await call('editMessageText', () => api.editMessageText(chat, cardMessageId, text, { reply_markup: caseKeyboard(caseId), link_preview_options: { is_disabled: true } }), cardGone);
        return 'card';
      }
      case 'close-topic':
        await call('closeForumTopic', () => api.closeForumTopic(chat, threadId), forget);
        return 'closed';
      case 'reopen-topic':
        await call('reopenForumTopic', () => api.reopenForumTopic(chat, threadId), forget);
        return 'reopened';
      case 'delete-topic':
        await call('deleteForumTopic', () => api.deleteForumTopic(chat, step.threadId), async () => 'done');
        return 'deleted';
      default: {
        const unhandled: never = step;
        throw new Error(`unhandled post step ${JSON.stringify(unhandled)}`);
      }
    }
  }

  return {
    channel: 'telegram-group',
    async send(delivery) {
      if (!delivery.payload.casePost) return { status: 'failed', reason: 'not a post for the volunteers’ group' };
      const done = [...delivery.deliveredParts];
      try {
        await deliver(delivery, done);
        return { status: 'sent', externalIds: done };
      } catch (error) {
        if (!(error instanceof Stop)) throw error;
        if (error.outcome.status !== 'retry' || !error.outcome.throttled) {
          logger.warn('telegram.group_send_failed', { outbox: delivery.id, case: delivery.payload.casePost.caseId, outcome: error.outcome.status, reason: error.outcome.reason });
        }
        return { ...error.outcome, deliveredParts: done };
      }
    },
  };
}
