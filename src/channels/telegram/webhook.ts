import type { Api } from 'grammy';
import type { CallbackQuery, ChatMemberUpdated, Update } from 'grammy/types';
import { z } from 'zod';
import { constantTimeEqual } from '../../core/constant-time.js';
import type { Logger } from '../../logger.js';
import type { ChannelCore } from '../channel.js';
import { parseJson, type Parsed, type Received, type WebhookAdapter } from '../webhook.js';
import { toInbound } from './to-inbound.js';

/** The updates Relais asks Telegram for (webhook and long polling alike). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

/** The part of an update read before anything else: enough to refuse what is not an update. */
const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/** Updates from the volunteers' group (`TELEGRAM_VOLUNTEER_CHAT_ID`): the handoff work answers them. */
export type VolunteerChatHandler = (update: Update) => Promise<Received>;

export interface TelegramUpdatesDeps {
  core: ChannelCore;
  api: Api;
  logger: Logger;
  now: () => Date;
  volunteerChatId?: string;
  onVolunteerChatUpdate?: VolunteerChatHandler;
}

/**
 * What one Telegram update means for Relais, for the webhook and long polling alike: a person's
 * message or tap to record; a person blocking the bot (applied before answering); the chores that
 * must never delay a reply (answering a tap so it stops spinning, removing the keyboard tapped).
 */
export function createUpdateReceiver(deps: TelegramUpdatesDeps): (update: Update) => Received | Promise<Received> {
  const { core, api, logger, now, volunteerChatId, onVolunteerChatUpdate } = deps;

  function callbackChores(query: CallbackQuery, isChoice: boolean): Array<() => Promise<unknown>> {
    const chores: Array<() => Promise<unknown>> = [
      () => api.answerCallbackQuery(query.id).catch((error: unknown) => quietly('answer_callback', error)),
    ];
    const message = query.message;
    // An inaccessible message (older than 48 hours) has date 0 and cannot be edited.
    if (isChoice && message && message.date !== 0) {
      // Tapped: its keyboard goes away, so an old menu cannot be tapped out of order later.
      chores.push(() =>
        api.editMessageReplyMarkup(message.chat.id, message.message_id).catch((error: unknown) => quietly('remove_keyboard', error)),
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
      await core.people.setReachability('telegram', personKey, 'blocked the bot');
      logger.info('telegram.blocked', { person: logger.hash(personKey) });
    } else if (status === 'member') {
      await core.people.setReachability('telegram', personKey, null);
      logger.info('telegram.unblocked', { person: logger.hash(personKey) });
    }
  }

  /** Best-effort chores: a failure is worth a debug line, never an error. */
  function quietly(chore: string, error: unknown) {
    logger.debug('telegram.chore_failed', { chore, error });
  }

  return (update) => {
    const chat = update.message?.chat ?? update.callback_query?.message?.chat ?? update.my_chat_member?.chat;
    if (volunteerChatId !== undefined && chat && String(chat.id) === volunteerChatId) {
      if (onVolunteerChatUpdate) return onVolunteerChatUpdate(update);
      // Without the handoff work a tap there must not spin forever either.
      const query = update.callback_query;
      return { messages: [], after: () => (query ? callbackChores(query, false) : []) };
    }

    const changed = update.my_chat_member;
    if (changed) return { messages: [], before: [() => membershipChanged(changed)] };

    const result = toInbound(update, now());
    if (result.status === 'skipped') logger.debug('telegram.update_skipped', { update: update.update_id, reason: result.reason });
    const query = update.callback_query;
    return {
      messages: result.status === 'message' ? [result.message] : [],
      // A button always gets its answer so it stops spinning, even when the tap means nothing to us
      // (an old keyboard, a group). A retried duplicate was answered the first time.
      after: ({ newMessages }) =>
        query && (result.status === 'skipped' || newMessages > 0) ? callbackChores(query, result.status === 'message') : [],
    };
  };
}

/** The Telegram half of the webhook pipeline: the secret header, one update per request. */
export function telegramWebhook(
  webhookSecret: string,
  receive: (update: Update) => Received | Promise<Received>,
): WebhookAdapter<Update> {
  return {
    channel: 'telegram',
    verify: (_raw, header) => {
      const given = header(SECRET_HEADER);
      return given !== undefined && constantTimeEqual(given, webhookSecret);
    },
    parse(raw): Parsed<Update> {
      const json = parseJson(raw);
      if (!json.ok) return { ok: false, reason: 'the body is not JSON' };
      const update = updateShape.safeParse(json.payload);
      if (!update.success) return { ok: false, reason: 'the body is not a Telegram update (no update_id)' };
      return { ok: true, payload: update.data as unknown as Update };
    },
    receive,
  };
}
