import { GrammyError, HttpError, type Api } from 'grammy';
import type { Logger } from '../../logger.js';
import type { ChannelSender, Delivery, SendOutcome } from '../../outbox/sender.js';
import { sendParts } from '../send-parts.js';
import { renderTelegram, TelegramRenderError } from './render.js';
import { CallbackDataTooLongError } from './to-inbound.js';

/**
 * The Telegram outbox sender: renders a payload and sends its parts through the real grammY
 * client, then says what happened in the outbox's terms (`SendOutcome`).
 */
export interface TelegramSenderOptions {
  logger?: Logger;
}

export function createTelegramSender(api: Api, options: TelegramSenderOptions = {}): ChannelSender {
  const { logger } = options;

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

      return sendParts(
        parts,
        delivery.deliveredParts,
        async (part) => {
          const message = await api.sendMessage(delivery.personKey, part.text, {
            ...(part.reply_markup ? { reply_markup: part.reply_markup } : {}),
            ...(part.parse_mode ? { parse_mode: part.parse_mode } : {}),
            link_preview_options: { is_disabled: true },
          });
          return String(message.message_id);
        },
        (error) => {
          const outcome = sendOutcomeForError(error);
          if (outcome.status === 'sent') return { status: 'skip' };
          logger?.warn('telegram.send_failed', {
            outbox: delivery.id,
            person: logger?.hash(delivery.personKey),
            parts: parts.length,
            outcome: outcome.status,
            reason: outcome.reason,
          });
          return outcome;
        },
      );
    },
  };
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
