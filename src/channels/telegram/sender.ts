import { GrammyError, HttpError, type Api } from 'grammy';
import { hashId, type Logger } from '../../logger.js';
import type { ChannelSender, Delivery, SendOutcome } from '../../outbox/sender.js';
import { renderTelegram, TelegramRenderError } from './render.js';
import { CallbackDataTooLongError } from './to-inbound.js';

/**
 * The Telegram outbox sender: renders a payload and sends its parts through the real grammY
 * client, then says what happened in the outbox's terms (`SendOutcome`).
 */
export interface TelegramSenderOptions {
  logger?: Logger;
  /**
   * How many multi-part deliveries to remember between attempts. When part 2 of 3 fails and the row
   * is retried, the parts already delivered are not sent again (by this process).
   */
  progressCapacity?: number;
}

export function createTelegramSender(api: Api, options: TelegramSenderOptions = {}): ChannelSender {
  const { logger, progressCapacity = 1000 } = options;
  // Outbox row id → message ids of the parts already delivered. Only rows that failed half-way live here.
  const progress = new Map<number, string[]>();

  return {
    channel: 'telegram',
    async send(delivery: Delivery): Promise<SendOutcome> {
      let parts;
      try {
        parts = renderTelegram(delivery.payload);
      } catch (error) {
        if (error instanceof TelegramRenderError || error instanceof CallbackDataTooLongError) {
          return { status: 'failed', reason: error.message };
        }
        throw error;
      }

      const sent = progress.get(delivery.id) ?? [];
      for (let index = sent.length; index < parts.length; index++) {
        const part = parts[index]!;
        try {
          const message = await api.sendMessage(delivery.personKey, part.text, {
            ...(part.reply_markup ? { reply_markup: part.reply_markup } : {}),
            ...(part.parse_mode ? { parse_mode: part.parse_mode } : {}),
            link_preview_options: { is_disabled: true },
          });
          sent.push(String(message.message_id));
        } catch (error) {
          const outcome = sendOutcomeForError(error);
          if (outcome.status === 'sent') {
            continue;
          }
          if (outcome.status === 'retry' && sent.length > 0) remember(delivery.id, sent);
          else progress.delete(delivery.id);
          logger?.warn('telegram.send_failed', {
            outbox: delivery.id,
            person: hashId(delivery.personKey),
            part: index + 1,
            parts: parts.length,
            outcome: outcome.status,
            reason: outcome.reason,
          });
          return outcome;
        }
      }
      progress.delete(delivery.id);
      return { status: 'sent', externalIds: sent };
    },
  };

  function remember(id: number, sent: string[]) {
    progress.delete(id);
    progress.set(id, sent);
    // Oldest first: a Map iterates in insertion order.
    while (progress.size > progressCapacity) progress.delete(progress.keys().next().value!);
  }
}

type ErrorOutcome = Exclude<SendOutcome, { status: 'held' }>;

/**
 * Telegram's answer → what the outbox should do:
 * - 429: retry when Telegram says (`parameters.retry_after`, seconds);
 * - 5xx, network errors (grammY `HttpError`): retry with the outbox's backoff;
 * - 401: the bot token was refused — an operator's problem, not the message's: retry so nothing is
 *   lost while it is fixed (the outbox gives up after its maximum attempts);
 * - 403 (blocked by the user, user deactivated, kicked): the person is unreachable;
 * - 400 "message is not modified": the message already says that: sent;
 * - any other 4xx: failed, with Telegram's description;
 * - anything unexpected: retry (the outbox gives up after its maximum attempts).
 */
export function sendOutcomeForError(error: unknown): ErrorOutcome | { status: 'sent'; externalIds: [] } {
  if (error instanceof GrammyError) {
    const reason = `${error.error_code} ${error.description}`;
    if (error.error_code === 429) {
      const seconds = error.parameters?.retry_after;
      return typeof seconds === 'number'
        ? { status: 'retry', reason, retryAfterMs: seconds * 1000 }
        : { status: 'retry', reason };
    }
    if (error.error_code >= 500 || error.error_code === 401) return { status: 'retry', reason };
    if (error.error_code === 403) return { status: 'unreachable', reason };
    if (error.error_code === 400 && /message is not modified/i.test(error.description)) {
      return { status: 'sent', externalIds: [] };
    }
    return { status: 'failed', reason };
  }
  if (error instanceof HttpError) return { status: 'retry', reason: `network: ${error.message}` };
  // Anything else is our bug or a runtime hiccup: try again later rather than lose the message.
  return { status: 'retry', reason: `unexpected: ${error instanceof Error ? error.name : 'error'}` };
}
