import { Api } from 'grammy';
import type { Config } from '../config/config.js';
import type { Reach } from './links.js';

/**
 * Where leaflets send people, from configuration: the bot's Telegram username (TELEGRAM_BOT_USERNAME,
 * else asked of Telegram with `getMe` once, when a token is set) and the WhatsApp number
 * (WHATSAPP_DISPLAY_NUMBER). What is missing says why, for the coordinator's note.
 */
export type ReachSource = () => Promise<Reach>;

export interface ReachOptions {
  /** How to ask Telegram who the bot is (tests, or a bot already built); defaults to grammY's `getMe`. */
  getMe?: () => Promise<{ username: string }>;
}

export function createReach(config: Pick<Config, 'leaflets' | 'telegram'>, options: ReachOptions = {}): ReachSource {
  const { telegramBotUsername, whatsappNumber } = config.leaflets;
  const telegram = config.telegram;
  const getMe =
    options.getMe ?? (telegram ? () => new Api(telegram.botToken, { apiRoot: telegram.apiRoot, timeoutSeconds: 10 }).getMe() : undefined);
  // A bot's username changes only through @BotFather: asked once per process, kept once known. A
  // failure is not kept, so the next page asks again (Telegram was down, the token just fixed).
  let learned: Promise<string> | undefined;

  const whatsapp: Reach['whatsapp'] = whatsappNumber
    ? { status: 'ok', number: whatsappNumber }
    : { status: 'missing', why: 'WhatsApp: number not configured (set WHATSAPP_DISPLAY_NUMBER).' };

  return async function reach(): Promise<Reach> {
    if (telegramBotUsername) return { telegram: { status: 'ok', username: telegramBotUsername }, whatsapp };
    if (!getMe) {
      return {
        telegram: { status: 'missing', why: 'Telegram: bot username not configured (set TELEGRAM_BOT_USERNAME, or TELEGRAM_BOT_TOKEN to ask Telegram).' },
        whatsapp,
      };
    }
    learned ??= getMe().then((me) => me.username);
    try {
      return { telegram: { status: 'ok', username: await learned }, whatsapp };
    } catch (error) {
      learned = undefined;
      return {
        telegram: { status: 'missing', why: `Telegram: could not learn the bot's username from getMe (${(error as Error).message}); set TELEGRAM_BOT_USERNAME.` },
        whatsapp,
      };
    }
  };
}
