import { Bot, BotError, webhookCallback } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { Hono } from 'hono';
import { z } from 'zod';
import type { TelegramConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Channel, ChannelCore } from '../channel.js';
import { createTelegramSender } from './sender.js';
import { createUpdateHandler, emptyWork, hasWork, type UpdateWork, type VolunteerChatHandler } from './updates.js';

export interface TelegramChannelOptions {
  /** The bot's identity, when already known: then `getMe` is never called. */
  botInfo?: UserFromGetMe;
  now?: () => Date;
  logger?: Logger;
  /** Updates from `config.volunteerChatId` (the handoff work plugs in here); ignored when absent. */
  onVolunteerChatUpdate?: VolunteerChatHandler;
}

/** The Telegram channel, plus what long polling needs (`npm run dev:telegram`). */
export interface TelegramChannel extends Channel {
  name: 'telegram';
  /** The grammY bot: its `api` is the client the sender uses. */
  bot: Bot;
  /**
   * Receives updates by long polling instead of the webhook, through the same handlers (local
   * development without a public URL). Deletes the webhook first, as Telegram requires.
   * Resolves when `stopPolling()` is called.
   */
  startPolling(options?: { dropPendingUpdates?: boolean; onStart?: (me: UserFromGetMe) => void }): Promise<void>;
  stopPolling(): Promise<void>;
}

/** The part of an update we read before grammY: enough to refuse what is not an update. */
const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

class InvalidUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUpdateError';
  }
}

/**
 * The Telegram channel: `POST /` (mounted at `/webhooks/telegram`) through grammY's webhook handling
 * for Hono, checking `X-Telegram-Bot-Api-Secret-Token`; the outbox sender on the same grammY client.
 *
 * Per update: record the neutral message (a duplicate `update_id` is a no-op), answer Telegram 200,
 * then process it and do the Bot API chores in the background (`core.defer`).
 */
export function createTelegramChannel(
  config: TelegramConfig,
  core: ChannelCore,
  options: TelegramChannelOptions = {},
): TelegramChannel {
  const logger = (options.logger ?? core.logger).child({ channel: 'telegram' });
  const bot = new Bot(config.botToken, {
    client: { apiRoot: config.apiRoot },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  const updates = createUpdateHandler({
    core,
    api: bot.api,
    logger,
    now: options.now ?? (() => new Date()),
    ...(config.volunteerChatId ? { volunteerChatId: config.volunteerChatId } : {}),
    ...(options.onVolunteerChatUpdate ? { onVolunteerChatUpdate: options.onVolunteerChatUpdate } : {}),
  });

  // grammY's middleware sees grammY's context, not Hono's: the webhook route hands each update's
  // work over through this map, keyed by the update object it parsed for grammY.
  const webhookWork = new WeakMap<Update, UpdateWork>();
  bot.use(async (ctx) => {
    const work = webhookWork.get(ctx.update);
    if (work) return updates.handle(ctx, work);
    // Long polling: nobody to answer first, so do the work now, in order.
    const own = emptyWork();
    await updates.handle(ctx, own);
    await updates.runAfter(own);
  });

  // The identity is fetched once, on the first update, and kept. Unlike grammY's own `init`, a failure
  // is not retried in a loop inside the request: the request fails and Telegram retries it.
  let identity: Promise<void> | undefined;
  const ensureIdentity = (): Promise<void> => {
    if (bot.isInited()) return Promise.resolve();
    identity ??= bot.api.getMe().then(
      (me) => {
        bot.botInfo = me;
      },
      (error: unknown) => {
        identity = undefined;
        throw error;
      },
    );
    return identity;
  };

  // Created on first use: grammY forbids long polling on a bot that has a webhook callback.
  let handleWebhook: ((view: never) => Promise<Response>) | undefined;

  const routes = new Hono();
  routes.post('/', async function telegramWebhook(c) {
    const work = emptyWork();
    // What grammY's Hono adapter reads from `c`, with the update parsed once so its work can be found.
    const view = {
      req: {
        header: (name: string) => c.req.header(name),
        json: async <T>(): Promise<T> => {
          const update = await readUpdate(() => c.req.json());
          webhookWork.set(update, work);
          return update as T;
        },
      },
      body: (data: string | null, status?: 204) => (data === null ? c.body(null, status ?? 204) : c.body(data)),
      status: (status: 401) => c.status(status),
      json: (json: string) => c.json(json),
    };

    // grammY checks the secret only after learning who the bot is; on a cold start, a forged request
    // must not make us call Telegram (nor fail with 503 when Telegram is down): refuse it first.
    if (!bot.isInited() && !sameSecret(c.req.header(SECRET_HEADER), config.webhookSecret)) {
      return c.body(null, 401);
    }

    let response: Response;
    try {
      await ensureIdentity();
      handleWebhook ??= webhookCallback(bot, 'hono', { secretToken: config.webhookSecret });
      // `view` has the shape grammY's Hono adapter reads; grammY does not export that type.
      response = await handleWebhook(view as never);
    } catch (error) {
      if (error instanceof InvalidUpdateError) return c.json({ error: error.message }, 400);
      // Nothing was recorded (or the bot's identity is unknown): 5xx makes Telegram send it again.
      logger.error('telegram.webhook_failed', { error: unwrap(error) });
      return c.json({ error: 'the update could not be recorded, retry later' }, 503);
    }
    // Answer first, work after: Telegram waits for this response before sending the chat's next update.
    if (hasWork(work)) core.defer(c, () => updates.runAfter(work));
    return response;
  });

  let polling = false;
  return {
    name: 'telegram',
    routes,
    sender: createTelegramSender(bot.api, { logger }),
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

/** The updates Relais asks Telegram for (webhook and long polling alike). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

async function readUpdate(read: () => Promise<unknown>): Promise<Update> {
  let body: unknown;
  try {
    body = await read();
  } catch {
    throw new InvalidUpdateError('the body is not JSON');
  }
  const parsed = updateShape.safeParse(body);
  if (!parsed.success) throw new InvalidUpdateError('the body is not a Telegram update (no update_id)');
  return parsed.data as unknown as Update;
}

const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

/** Compares in time independent of where the strings differ (the length may leak; the secret's does not matter). */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** grammY wraps middleware errors in `BotError`; the cause is what the logs need. */
function unwrap(error: unknown): unknown {
  return error instanceof BotError ? error.error : error;
}
