import type { ExecutionContext } from 'hono';
import type { UserFromGetMe } from 'grammy/types';
import { createApp, type RelaisApp } from '../app.js';
import type { TelegramChannel } from '../channels/telegram/index.js';
import { ConfigError, parseConfig } from '../config/config.js';
import { loadContent } from '../content/index.js';
import { createLogger, loggerOptions } from '../logger.js';
import { openPostgres } from '../storage/postgres.js';

/**
 * The Cloudflare Workers entry: the same `createApp` as Node, on PostgreSQL through Hyperdrive.
 * Migrations are applied from a deployment machine with `npm run db:migrate`, never here.
 */

export interface WorkerEnv {
  /** Hyperdrive binding in front of PostgreSQL (wrangler.toml). */
  HYPERDRIVE?: { connectionString: string };
  [variable: string]: unknown;
}

// Pure data, parsed once per isolate.
const content = loadContent();
// The Telegram bot's identity, fetched by the first request's getMe and kept for the isolate's life,
// so later updates do not pay for it.
let telegramBotInfo: UserFromGetMe | undefined;

/**
 * A Worker may not reuse a socket opened for another request, so each request gets its own database
 * client (Hyperdrive keeps the real connections warm) and its own app around it; both are cheap.
 */
function relaisFor(env: WorkerEnv): { relais: RelaisApp; close: () => Promise<void> } {
  const url = env.HYPERDRIVE?.connectionString ?? (typeof env.DATABASE_URL === 'string' ? env.DATABASE_URL : undefined);
  const config = parseConfig({ ...env, ...(url ? { DATABASE_URL: url } : {}) });
  if (!config.databaseUrl) {
    throw new ConfigError([{ variable: 'HYPERDRIVE', message: 'a Hyperdrive binding (or DATABASE_URL) is required on Workers' }]);
  }
  const database = openPostgres(config.databaseUrl, 5);
  const relais = createApp({
    config,
    database,
    content,
    logger: createLogger(config.logLevel, undefined, {}, loggerOptions(config)),
    ...(telegramBotInfo ? { channelOptions: { telegram: { botInfo: telegramBotInfo } } } : {}),
  });
  const close = async () => {
    const telegram = relais.channels.find((c): c is TelegramChannel => c.name === 'telegram');
    if (telegram?.bot.isInited()) telegramBotInfo = telegram.bot.botInfo;
    await database.close();
  };
  return { relais, close };
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let instance;
    try {
      instance = relaisFor(env);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        return new Response(error.message, { status: 500 });
      }
      throw error;
    }
    const response = await instance.relais.app.fetch(request, env, ctx);
    // Deferred work (processing, delivery) was handed to waitUntil; close once it is done.
    ctx.waitUntil(instance.relais.background.drain().finally(instance.close));
    return response;
  },

  /** Cron Trigger: the periodic sweep (unprocessed events, due and expired outbox rows). */
  async scheduled(_event: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const instance = relaisFor(env);
    ctx.waitUntil(instance.relais.sweep().finally(instance.close));
  },
};
