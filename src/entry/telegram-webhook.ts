import { Api, GrammyError, HttpError } from 'grammy';
import { botIdOf, checkVolunteerGroup, describeGroupCheck } from '../channels/telegram/volunteers/check.js';
import { describeWebhookInfo, setTelegramWebhook } from '../channels/telegram/webhook-setup.js';
import { readConfigOrSay } from './read-config.js';

/**
 * `npm run telegram:webhook [-- --drop-pending-updates | --info | --delete]`
 *
 * Sets Telegram's webhook to `${PUBLIC_URL}/webhooks/telegram` with `TELEGRAM_WEBHOOK_SECRET` and the
 * updates Relais reads (message, callback_query, my_chat_member), then prints `getWebhookInfo`.
 * `--info` only prints; `--delete` removes the webhook (to go back to `npm run dev:telegram`).
 * With `TELEGRAM_VOLUNTEER_CHAT_ID`, it also says whether the volunteers' group can be used (a
 * supergroup with topics, the bot an admin allowed to manage topics), and what to fix if not.
 * Never prints the bot token or the secret.
 */
const USAGE = 'usage: npm run telegram:webhook [-- --drop-pending-updates | --info | --delete]';

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv);
  const known = ['--drop-pending-updates', '--info', '--delete', '--help'];
  const unknown = argv.filter((a) => !known.includes(a));
  if (unknown.length > 0 || flags.has('--help')) {
    console.error(unknown.length > 0 ? `Unknown option: ${unknown.join(' ')}\n${USAGE}` : USAGE);
    return unknown.length > 0 ? 2 : 0;
  }

  const config = readConfigOrSay(process.env);
  if (!config) return 1;
  if (!config.telegram) {
    console.error('Telegram is off: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET.');
    return 1;
  }
  const api = new Api(config.telegram.botToken, { apiRoot: config.telegram.apiRoot });
  const dropPendingUpdates = flags.has('--drop-pending-updates');

  try {
    if (flags.has('--delete')) {
      await api.deleteWebhook({ drop_pending_updates: dropPendingUpdates });
      console.log('Webhook deleted.');
    } else if (!flags.has('--info')) {
      if (!config.publicUrl) {
        console.error('PUBLIC_URL is not set: it must be the https:// address Telegram can reach this server on.');
        return 1;
      }
      await setTelegramWebhook(api, {
        publicUrl: config.publicUrl,
        secretToken: config.telegram.webhookSecret,
        dropPendingUpdates,
      });
      console.log(`Webhook set${dropPendingUpdates ? ' (pending updates dropped)' : ''}.`);
    }
    const me = await api.getMe();
    const info = await api.getWebhookInfo();
    console.log([`Bot @${me.username}:`, ...describeWebhookInfo(info)].join('\n'));
    const groupId = config.telegram.volunteerChatId;
    if (groupId) {
      const check = await checkVolunteerGroup(api, groupId, botIdOf(config.telegram.botToken));
      (check.status === 'ok' ? console.log : console.warn)(describeGroupCheck(check));
    }
    return 0;
  } catch (error) {
    // grammY's messages name the method, never the token (its sensitive logs are off).
    if (error instanceof GrammyError) console.error(`Telegram refused: ${error.description} (${error.method})`);
    else if (error instanceof HttpError) console.error(`Could not reach the Bot API: ${error.message}`);
    else throw error;
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
