import type { Config } from '../config/config.js';
import type { Content } from '../content/index.js';
import type { Handoff } from '../handoff/service.js';
import type { Db } from '../storage/database.js';
import type { Channel, ChannelCore } from './channel.js';
import { createTelegramChannel, type TelegramChannelOptions } from './telegram/index.js';
import { createWebChannel, webWordsFrom } from './web/index.js';
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
  /** The cases as volunteers work them (the Telegram volunteers' group acts through it). */
  handoff: Handoff;
  /** Delivers what was just queued, after the response. */
  deliverSoon: () => void;
}

/** A channel is on when its variables are set: each entry says when, and builds it. */
type ChannelFactory = (deps: ChannelDeps, options: ChannelOptions) => Channel | undefined;

/** Every channel Relais knows. A new platform is a folder under `channels/` and one line here. */
const REGISTRY: ChannelFactory[] = [
  ({ config, db, core, content }) => (config.simulatorEnabled ? createWebChannel(db, core, webWordsFrom(content)) : undefined),
  ({ config, core, now, db, handoff, deliverSoon }, options) =>
    config.telegram
      ? createTelegramChannel(config.telegram, core, {
          now,
          ...(config.telegram.volunteerChatId ? { volunteers: { db, handoff, deliverSoon } } : {}),
          ...options.telegram,
        })
      : undefined,
  ({ config, core, content, now }, options) =>
    config.whatsapp
      ? createWhatsAppChannel(
          config.whatsapp,
          core,
          // The list's button and section words are content, translated with the rest.
          (locale) => ({ button: content.text(locale, 'list.button'), section: content.text(locale, 'list.section') }),
          { now, ...(options.fetch ? { fetch: options.fetch } : {}), ...options.whatsapp },
        )
      : undefined,
];

/** The channels this configuration turns on. */
export function createChannels(deps: ChannelDeps, options: ChannelOptions = {}): Channel[] {
  return REGISTRY.map((create) => create(deps, options)).filter((channel): channel is Channel => channel !== undefined);
}
