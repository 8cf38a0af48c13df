import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { Hono } from 'hono';
import type { TelegramConfig } from '../../config/config.js';
import type { Handoff } from '../../handoff/service.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/database.js';
import type { Channel, ChannelCore } from '../channel.js';
import { recordReceived, webhookHandler } from '../webhook.js';
import { createTelegramSender } from './sender.js';
import { botIdOf, createVolunteersGroup, type VolunteersGroup } from './volunteers/index.js';
import { ALLOWED_UPDATES, createUpdateReceiver, telegramWebhook, type VolunteerChatHandler } from './webhook.js';

/**
 * The Telegram channel. grammY is the Bot API client (the sender, the chores) and runs long polling;
 * the webhook goes through the shared pipeline, which checks the secret before anything else — so a
 * forged request never makes us call Telegram, not even `getMe`.
 */

export interface TelegramChannelOptions {
  /** The bot's identity, when already known: then `getMe` is never called. */
  botInfo?: UserFromGetMe;
  now?: () => Date;
  logger?: Logger;
  /** Updates from `config.volunteerChatId`; by default the volunteers' group's own (`volunteers`). */
  onVolunteerChatUpdate?: VolunteerChatHandler;
  /** What the volunteers' group works with, when `config.volunteerChatId` is set. */
  volunteers?: { db: Db; handoff: Handoff; deliverSoon: () => void };
}

/** The Telegram channel, plus what long polling needs (`npm run dev:telegram`). */
export interface TelegramChannel extends Channel {
  name: 'telegram';
  /** The grammY bot: its `api` is the client the sender uses. */
  bot: Bot;
  /**
   * Receives updates by long polling instead of the webhook, through the same receiver (local
   * development without a public URL). Deletes the webhook first, as Telegram requires.
   * Resolves when `stopPolling()` is called.
   */
  startPolling(options?: { dropPendingUpdates?: boolean; onStart?: (me: UserFromGetMe) => void }): Promise<void>;
  stopPolling(): Promise<void>;
  /** The volunteers' group, when `TELEGRAM_VOLUNTEER_CHAT_ID` is set. */
  volunteersGroup?: VolunteersGroup;
}

export function createTelegramChannel(
  config: TelegramConfig,
  core: ChannelCore,
  options: TelegramChannelOptions = {},
): TelegramChannel {
  const logger = (options.logger ?? core.logger).child({ channel: 'telegram' });
  const bot = new Bot(config.botToken, {
    // grammY waits 500 s for an answer by default: a hung send would hold its delivery round that
    // long. 45 s stays above long polling's 30 s wait.
    client: { apiRoot: config.apiRoot, timeoutSeconds: 45 },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  const now = options.now ?? (() => new Date());
  const group =
    config.volunteerChatId && options.volunteers
      ? createVolunteersGroup({
          api: bot.api,
          chatId: config.volunteerChatId,
          botId: botIdOf(config.botToken),
          logger,
          now,
          ...options.volunteers,
        })
      : undefined;
  const onVolunteerChatUpdate = options.onVolunteerChatUpdate ?? group?.receive;
  const receive = createUpdateReceiver({
    core,
    api: bot.api,
    logger,
    now,
    ...(config.volunteerChatId ? { volunteerChatId: config.volunteerChatId } : {}),
    ...(onVolunteerChatUpdate ? { onVolunteerChatUpdate } : {}),
  });

  // Long polling: nobody to answer first, so the work runs now, in order.
  bot.use(async (ctx) => {
    const work = await recordReceived(core, await receive(ctx.update));
    await work();
  });

  const routes = new Hono();
  routes.post('/', webhookHandler(telegramWebhook(config.webhookSecret, receive), core));

  let polling = false;
  return {
    name: 'telegram',
    mount: '/webhooks/telegram',
    routes,
    sender: createTelegramSender(bot.api, { logger }),
    ...(group ? { caseEvents: group.caseEvents, moreSenders: [group.sender], sweep: () => group.sweep(), volunteersGroup: group } : {}),
    bot,
    async startPolling(pollingOptions = {}) {
      polling = true;
      bot.catch((error) => logger.error('telegram.polling_update_failed', { error: error.error }));
      await bot.start({
        allowed_updates: ALLOWED_UPDATES,
        drop_pending_updates: pollingOptions.dropPendingUpdates ?? false,
        ...(pollingOptions.onStart ? { onStart: pollingOptions.onStart } : {}),
      });
    },
    async stopPolling() {
      if (polling) await bot.stop();
      polling = false;
    },
  };
}

export { ALLOWED_UPDATES, type VolunteerChatHandler } from './webhook.js';
export { renderTelegram, layoutRows, choicesKeyboard, TelegramRenderError, type TelegramPart } from './render.js';
export { createTelegramSender, sendOutcomeForError, type TelegramSenderOptions } from './sender.js';
export { toInbound, encodeChoiceData, decodeChoiceData, CallbackDataTooLongError } from './to-inbound.js';
export { setTelegramWebhook, describeWebhookInfo, TELEGRAM_WEBHOOK_PATH, type SetWebhookOptions } from './webhook-setup.js';
