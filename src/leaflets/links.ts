import type { Content } from '../content/index.js';
import { entryPayload } from '../content/leaflet-texts.js';
import type { LocaleCode } from '../core/locales.js';

/**
 * The links a leaflet prints, as QR codes and written out. Both open one entry point in one language:
 * Telegram through its deep link (`/start zone-attente--ar`), WhatsApp through click-to-chat with a
 * prefilled greeting in the reader's language that carries the same code (WhatsApp has no start
 * payload: the bot reads the code back from the first message, see `entryLinkIn`).
 */

/** Where a leaflet's links go: each may be unknown (not configured), and its QR code is then left out. */
export interface Reach {
  telegram: { status: 'ok'; username: string } | { status: 'missing'; why: string };
  whatsapp: { status: 'ok'; number: string } | { status: 'missing'; why: string };
}

/** `https://t.me/RelaisBot?start=zone-attente--ar`. */
export function telegramLink(username: string, alias: string, locale: LocaleCode): string {
  return `https://t.me/${username}?start=${entryPayload(alias, locale)}`;
}

/**
 * The greeting a leaflet's WhatsApp QR code prefills, in the reader's language (`leaflet.whatsapp.text`,
 * with the entry code). Right-to-left greetings keep the isolation marks Relais puts around Latin
 * runs, so the phone shows "Relais" and the code in their place while the person reads it before sending.
 */
export function whatsappGreeting(content: Content, alias: string, locale: LocaleCode): string {
  return content.translation(locale, 'leaflet.whatsapp.text', { code: entryPayload(alias, locale) });
}

/** `https://wa.me/33612345678?text=Bonjour%20Relais%20(zone-attente--fr)`: click-to-chat, number in digits. */
export function whatsappLink(number: string, greeting: string): string {
  return `https://wa.me/${number}?text=${encodeURIComponent(greeting)}`;
}

/** The number as people read it: `+33612345678`. */
export function displayNumber(number: string): string {
  return `+${number}`;
}
