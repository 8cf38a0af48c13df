/**
 * What the platforms accept, in one table: the content checker proves the content fits, and the
 * renderers split or refuse what does not. Sources: Telegram Bot API and WhatsApp Cloud API
 * documentation (DESIGN.md, "Platform limits").
 */
export const PLATFORM_LIMITS = {
  telegram: {
    /** One message's text, in UTF-16 code units (what Telegram counts). */
    text: 4096,
    /** `callback_data` of an inline button, in bytes. */
    callbackDataBytes: 64,
  },
  whatsapp: {
    /** Lengths are counted in characters (code points). */
    textBody: 4096,
    /** The body sent with reply buttons or a list. */
    interactiveBody: 1024,
    footer: 60,
    buttons: 3,
    buttonTitle: 20,
    buttonId: 256,
    listButton: 20,
    listRows: 10,
    listSections: 10,
    rowTitle: 24,
    rowDescription: 72,
    rowId: 200,
    sectionTitle: 24,
  },
} as const;

/**
 * Relais's own limit on a choice id, in bytes: short enough that a channel prefix (`c:`) still fits
 * Telegram's `callback_data`, and far under WhatsApp's button and row ids.
 */
export const MAX_CHOICE_ID_BYTES = 48;

/** Length as Telegram counts it: UTF-16 code units. */
export const utf16Length = (text: string): number => text.length;

/** Length as WhatsApp counts it: characters (code points), so an emoji or an Arabic letter is one. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
