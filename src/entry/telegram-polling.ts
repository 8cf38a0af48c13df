import type { TelegramChannel } from '../channels/telegram/index.js';
import { ConfigError } from '../config.js';
import { bootRelais } from './boot.js';

/**
 * `npm run dev:telegram [-- --drop-pending-updates]`: the bot on long polling, for local development
 * without a public URL. The app is built exactly as `npm start` builds it (same database, outbox
 * sweep and handlers); only the way updates arrive differs. Telegram allows one or the other, so
 * polling deletes the webhook: run `npm run telegram:webhook` again before going back to production.
 */
async function main(argv: string[]) {
  let booted;
  try {
    booted = await bootRelais(process.env, { sweep: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { relais, logger, database } = booted;
  const telegram = relais.channels.find((c): c is TelegramChannel => c.name === 'telegram');
  if (!telegram) {
    console.error(
      'Telegram is off: set TELEGRAM_BOT_TOKEN (from @BotFather) and TELEGRAM_WEBHOOK_SECRET (any value: polling does not use it).',
    );
    await booted.close();
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('telegram.polling_stopping', { signal });
    setTimeout(() => process.exit(1), 15_000).unref();
    await telegram.stopPolling();
    await booted.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await telegram.startPolling({
    dropPendingUpdates: argv.includes('--drop-pending-updates'),
    onStart: (me) => {
      logger.info('telegram.polling_started', { bot: me.username, database: database.driver });
      console.log(`Relais is listening to @${me.username} by long polling (database: ${database.driver}). Ctrl-C to stop.`);
    },
  });
}

await main(process.argv.slice(2));
