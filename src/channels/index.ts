import type { Config } from '../config.js';
import type { Content } from '../content/index.js';
import type { Db } from '../storage/database.js';
import type { Channel, ChannelCore } from './channel.js';
import { createTelegramChannel, type TelegramChannelOptions } from './telegram/index.js';
import { createWebChannel } from './web/web-channel.js';
import { createWhatsAppChannel, type WhatsAppChannelOptions } from './whatsapp/index.js';

/** Options that reach the channel adapters: mostly the far side of the network, for tests. */
export interface ChannelOptions {
  /** The fetch the WhatsApp client uses (defaults to the global one). */
  fetch?: typeof fetch;
  /** Telegram: the bot's identity when known (no `getMe`), the volunteers' group handler. */
  telegram?: TelegramChannelOptions;
  /** WhatsApp: the clock for the 24-hour window (tests), a ready client. */
  whatsapp?: WhatsAppChannelOptions;
}

export interface ChannelDeps {
  config: Config;
  core: ChannelCore;
  db: Db;
  content: Content;
  now: () => Date;
}

/** The channels this configuration turns on: each is on when its variables are set. */
export function createChannels(deps: ChannelDeps, options: ChannelOptions = {}): Channel[] {
  const { config, core, db, content, now } = deps;
  const channels: Channel[] = [];
  if (config.simulatorEnabled) channels.push(createWebChannel(db, core));
  if (config.telegram) channels.push(createTelegramChannel(config.telegram, core, { now, ...options.telegram }));
  if (config.whatsapp) {
    channels.push(
      createWhatsAppChannel(config.whatsapp, core, {
        now,
        // The list's button and section words are content, translated with the rest.
        listWords: (locale) => ({ button: content.text(locale, 'list.button'), section: content.text(locale, 'list.section') }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...options.whatsapp,
      }),
    );
  }
  return channels;
}
