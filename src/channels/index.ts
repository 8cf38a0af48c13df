import type { Config } from '../config.js';
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

/** The channels this configuration turns on: each is on when its variables are set. */
export function createChannels(config: Config, core: ChannelCore, db: Db, _options: ChannelOptions = {}): Channel[] {
  const channels: Channel[] = [];
  if (config.simulatorEnabled) channels.push(createWebChannel(db, core));
  if (config.telegram) channels.push(createTelegramChannel(config.telegram, core, _options.telegram));
  if (config.whatsapp) {
    channels.push(
      createWhatsAppChannel(config.whatsapp, core, {
        ...(_options.fetch ? { fetch: _options.fetch } : {}),
        ..._options.whatsapp,
      }),
    );
  }
  return channels;
}
