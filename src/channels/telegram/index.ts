/** The Telegram channel: grammY webhook and long polling, neutral messages in, outbox rows out. */
export {
  ALLOWED_UPDATES,
  createTelegramChannel,
  type TelegramChannel,
  type TelegramChannelOptions,
} from './telegram-channel.js';
export {
  renderTelegram,
  splitText,
  layoutRows,
  choicesKeyboard,
  TelegramRenderError,
  TELEGRAM_TEXT_LIMIT,
  type TelegramPart,
} from './render.js';
export { createTelegramSender, sendOutcomeForError, type TelegramSenderOptions } from './sender.js';
export {
  toInbound,
  encodeChoiceData,
  decodeChoiceData,
  CallbackDataTooLongError,
  CALLBACK_DATA_MAX_BYTES,
  CHOICE_DATA_PREFIX,
} from './to-inbound.js';
export type { VolunteerChatHandler } from './updates.js';
export { setTelegramWebhook, describeWebhookInfo, TELEGRAM_WEBHOOK_PATH, type SetWebhookOptions } from './webhook-setup.js';
