import type { Context as BotContext } from 'grammy';
import type { Api } from 'grammy';
import type { CallbackQuery, ChatMemberUpdated, Update } from 'grammy/types';
import type { ChannelCore } from '../channel.js';
import type { Logger } from '../../logger.js';
import { toInbound } from './to-inbound.js';

/**
 * What one update leaves to do once Telegram has been answered: the inbox events to process, and
 * chores on the Bot API that must never delay the reply (answering a callback query, removing the
 * keyboard that was tapped).
 */
export interface UpdateWork {
  eventIds: number[];
  chores: Array<() => Promise<unknown>>;
}

export function emptyWork(): UpdateWork {
  return { eventIds: [], chores: [] };
}

/** A handler for updates from the volunteers' group (`TELEGRAM_VOLUNTEER_CHAT_ID`). */
export type VolunteerChatHandler = (update: Update) => Promise<void>;

export interface UpdateHandlerDeps {
  core: ChannelCore;
  api: Api;
  logger: Logger;
  now: () => Date;
  volunteerChatId?: string;
  /**
   * The seam for the handoff work: updates from the volunteers' group arrive here. Until it exists,
   * they are ignored like any other group's.
   */
  onVolunteerChatUpdate?: VolunteerChatHandler;
}

/**
 * The Relais middleware for grammY, shared by the webhook and long polling. It records what must be
 * recorded before Telegram is answered (so a database failure makes Telegram retry) and leaves the
 * rest in `work`, which the caller runs after answering.
 */
export function createUpdateHandler(deps: UpdateHandlerDeps) {
  const { core, api, logger, now, volunteerChatId, onVolunteerChatUpdate } = deps;

  async function handle(ctx: BotContext, work: UpdateWork): Promise<void> {
    const update = ctx.update;

    if (volunteerChatId !== undefined && ctx.chat && String(ctx.chat.id) === volunteerChatId) {
      if (onVolunteerChatUpdate) await onVolunteerChatUpdate(update);
      // Until the handoff work answers its own buttons, a tap there must not spin forever either.
      else if (update.callback_query) work.chores.push(...callbackChores(update.callback_query, false));
      return;
    }

    if (update.my_chat_member) {
      await membershipChanged(update.my_chat_member);
      return;
    }

    const inbound = toInbound(update, now());
    let isNew = false;
    if (inbound) {
      // Recorded before Telegram gets its 200: if this throws, the webhook answers 5xx and Telegram retries.
      const { recorded, duplicates } = await core.inbox.record([inbound]);
      work.eventIds.push(...recorded);
      isNew = recorded.length > 0;
      logger.debug('telegram.update', {
        update: update.update_id,
        person: logger.hash(inbound.personKey),
        kind: inbound.body.kind,
        duplicate: duplicates > 0,
      });
    }

    // A button always gets its answer so it stops spinning, even when the tap means nothing to us
    // (an old keyboard, a group). A retried duplicate was answered the first time.
    if (update.callback_query && (!inbound || isNew)) {
      work.chores.push(...callbackChores(update.callback_query, inbound !== null));
    }
  }

  function callbackChores(query: CallbackQuery, isChoice: boolean): Array<() => Promise<unknown>> {
    const chores: Array<() => Promise<unknown>> = [
      () => api.answerCallbackQuery(query.id).catch((error: unknown) => quietly('answer_callback', error)),
    ];
    const message = query.message;
    // An inaccessible message (older than 48 hours) has date 0 and cannot be edited.
    if (isChoice && message && message.date !== 0) {
      // Tapped: its keyboard goes away, so an old menu cannot be tapped out of order later.
      chores.push(() =>
        api
          .editMessageReplyMarkup(message.chat.id, message.message_id)
          .catch((error: unknown) => quietly('remove_keyboard', error)),
      );
    }
    return chores;
  }

  async function membershipChanged(change: ChatMemberUpdated): Promise<void> {
    if (change.chat.type !== 'private') {
      logger.info('telegram.group_membership', { chat: logger.hash(change.chat.id), status: change.new_chat_member.status });
      return;
    }
    const personKey = String(change.chat.id);
    const status = change.new_chat_member.status;
    if (status === 'kicked' || status === 'left') {
      await core.people.markUnreachable('telegram', personKey, 'blocked the bot');
      logger.info('telegram.blocked', { person: logger.hash(personKey) });
    } else if (status === 'member') {
      await core.people.markReachable('telegram', personKey);
      logger.info('telegram.unblocked', { person: logger.hash(personKey) });
    }
  }

  /** Best-effort chores: a failure is worth a debug line, never an error. */
  function quietly(chore: string, error: unknown) {
    logger.debug('telegram.chore_failed', { chore, error });
  }

  /** Runs what an update left to do: processing and chores side by side, none blocking another. */
  async function runAfter(work: UpdateWork): Promise<void> {
    await Promise.allSettled([
      ...work.chores.map((chore) => chore()),
      work.eventIds.length > 0 ? core.inbox.process(work.eventIds) : Promise.resolve(),
    ]);
  }

  return { handle, runAfter };
}

export function hasWork(work: UpdateWork): boolean {
  return work.eventIds.length > 0 || work.chores.length > 0;
}
