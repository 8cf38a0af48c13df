import { Hono } from 'hono';
import type { WhatsAppConfig } from '../../config/config.js';
import { constantTimeEqual } from '../../core/constant-time.js';
import type { Channel, ChannelCore } from '../channel.js';
import { webhookHandler } from '../webhook.js';
import { createWhatsAppClient, type WhatsAppClient } from './client.js';
import type { ListWords } from './render.js';
import { createWhatsAppSender } from './sender.js';
import { whatsappWebhook } from './webhook.js';

/** The WhatsApp Cloud API channel: `webhook.ts` for what Meta sends, `sender.ts` for delivery. */

export interface WhatsAppChannelOptions {
  /** The fetch the Graph API client uses (a local fake server in tests). */
  fetch?: typeof fetch;
  /** The clock for the 24-hour window. */
  now?: () => Date;
  /** A ready client (otherwise one is built from the config). */
  client?: WhatsAppClient;
}

/**
 * `GET /webhooks/whatsapp` answers Meta's subscription handshake; `POST` is the shared webhook pipeline
 * with WhatsApp's adapter; the sender delivers outbox rows through our Graph API client.
 */
export function createWhatsAppChannel(
  config: WhatsAppConfig,
  core: ChannelCore,
  listWords: ListWords,
  options: WhatsAppChannelOptions = {},
): Channel {
  const client =
    options.client ??
    createWhatsAppClient({
      accessToken: config.accessToken,
      phoneNumberId: config.phoneNumberId,
      apiBase: config.apiBase,
      graphVersion: config.graphVersion,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  const log = core.logger.child({ channel: 'whatsapp' });
  const routes = new Hono();

  routes.get('/', function whatsappHandshake(c) {
    const mode = c.req.query('hub.mode');
    const token = c.req.query('hub.verify_token');
    const challenge = c.req.query('hub.challenge');
    if (mode === 'subscribe' && token !== undefined && challenge && constantTimeEqual(token, config.verifyToken)) {
      log.info('whatsapp.webhook_verified');
      return c.text(challenge, 200);
    }
    log.warn('whatsapp.handshake_refused', { mode: mode ?? null });
    return c.text('Forbidden', 403);
  });
  routes.post('/', webhookHandler(whatsappWebhook(config, core, client), core));

  return {
    name: 'whatsapp',
    mount: '/webhooks/whatsapp',
    routes,
    sender: createWhatsAppSender(client, config, listWords, options.now ? { now: options.now } : {}),
  };
}

export { createWhatsAppClient, recipientFor, type WhatsAppClient } from './client.js';
export { signWhatsAppBody, verifyWhatsAppSignature } from './signature.js';
export { renderWhatsApp, type ListWords } from './render.js';
export { toInbound } from './to-inbound.js';
export { createWhatsAppSender, outcomeForError, withinWindow, WHATSAPP_WINDOW_MS } from './sender.js';
