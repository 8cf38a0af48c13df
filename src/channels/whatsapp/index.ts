/** The WhatsApp Cloud API channel: see `whatsapp-channel.ts` for the webhook, `sender.ts` for delivery. */
export { createWhatsAppChannel, type WhatsAppChannelOptions } from './whatsapp-channel.js';
export {
  createWhatsAppClient,
  recipientFor,
  WhatsAppApiError,
  WhatsAppNetworkError,
  WhatsAppPayloadError,
  WHATSAPP_LIMITS,
  whatsappLength,
  type WhatsAppClient,
  type WhatsAppClientOptions,
  type WhatsAppMessageContent,
} from './client.js';
export { verifyWhatsAppSignature, escapeNonAscii } from './signature.js';
export { renderWhatsApp, defaultListWords, type ListWords, type RenderResult } from './render.js';
export { toInbound } from './to-inbound.js';
export { createWhatsAppSender, outcomeForError, withinWindow, WHATSAPP_WINDOW_MS } from './sender.js';
export { LIST_WORDS } from './words.js';
