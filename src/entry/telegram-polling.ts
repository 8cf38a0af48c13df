import { GrammyError } from 'grammy';
import type { TelegramChannel } from '../channels/telegram/index.js';
import { describeGroupCheck } from '../channels/telegram/volunteers/check.js';
import { bootOrExit } from './boot.js';

/**
 * `npm run dev:telegram [-- --drop-pending-updates]`: the bot on long polling, for local development
 * without a public URL. The app is built exactly as `npm start` builds it (same database, outbox
 * sweep and handlers); only the way updates arrive differs. Telegram allows one or the other, so
 * polling deletes the webhook: run `npm run telegram:webhook` again before going back to production.
 */
async function main(argv: string[]) {
  const booted = await bootOrExit(process.env, { sweep: true });
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
    // Stopping saves the update offset with one last getUpdates; if Telegram is unreachable, so be it.
    await telegram.stopPolling().catch((error: unknown) => logger.warn('telegram.polling_stop_failed', { error }));
    await booted.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  console.log('Connecting to the Telegram Bot API…');
  try {
    await telegram.startPolling({
      dropPendingUpdates: argv.includes('--drop-pending-updates'),
      onStart: (me) => {
        logger.info('telegram.polling_started', { bot: me.username, database: database.driver });
        console.log(`Relais is listening to @${me.username} by long polling (database: ${database.driver}). Ctrl-C to stop.`);
        void relais.volunteersGroup
          ?.check()
          .then((check) => (check.status === 'ok' ? console.log : console.warn)(describeGroupCheck(check)))
          .catch((error: unknown) => logger.error('telegram.group_check_failed', { error }));
      },
    });
  } catch (error) {
    // Ctrl-C while grammY was still retrying getMe aborts its wait: that is a normal stop.
    if (stopping) return;
    if (error instanceof GrammyError) console.error(`Telegram refused: ${error.description} (${error.method}). Check TELEGRAM_BOT_TOKEN.`);
    else console.error(`Long polling stopped: ${error instanceof Error ? error.message : String(error)}`);
    await booted.close();
    process.exit(1);
  }
}

await main(process.argv.slice(2));
