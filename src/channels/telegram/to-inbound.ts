import type { Message, Update } from 'grammy/types';
import type { CommandName, InboundBody, InboundMessage, UnsupportedKind } from '../../core/messages.js';
import type { ToInboundResult } from '../channel.js';

/**
 * Telegram → neutral messages. Pure: no network, no clock unless given, no grammY context.
 * Only private chats reach the engine; groups, channels, edits and service messages return `null`.
 */

/** Prefix of the `callback_data` Relais puts on its inline buttons: `c:` + the choice id. */
export const CHOICE_DATA_PREFIX = 'c:';
/** Telegram refuses `callback_data` longer than 64 bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** The short key a button carries. Throws `CallbackDataTooLongError` past Telegram's 64 bytes. */
export function encodeChoiceData(choiceId: string): string {
  const data = CHOICE_DATA_PREFIX + choiceId;
  const bytes = new TextEncoder().encode(data).length;
  if (bytes > CALLBACK_DATA_MAX_BYTES) throw new CallbackDataTooLongError(choiceId, bytes);
  return data;
}

/** The choice id in a button's `callback_data`, or `null` when it is not one of ours. */
export function decodeChoiceData(data: string | undefined): string | null {
  if (!data || !data.startsWith(CHOICE_DATA_PREFIX)) return null;
  const id = data.slice(CHOICE_DATA_PREFIX.length);
  return id === '' ? null : id;
}

/** A choice id too long to fit in Telegram's `callback_data` (content:check should have caught it). */
export class CallbackDataTooLongError extends Error {
  constructor(
    readonly choiceId: string,
    readonly bytes: number,
  ) {
    super(`callback_data for choice "${choiceId}" would be ${bytes} bytes (Telegram allows ${CALLBACK_DATA_MAX_BYTES})`);
    this.name = 'CallbackDataTooLongError';
  }
}

/**
 * Platform commands → neutral commands. Telegram commands are `[a-z0-9_]`, so the French aliases
 * drop their accents (`/benevole`). `/help` shows what Relais is and what it can do (`about`).
 * An unknown command is passed on as text: the engine answers it like any other sentence.
 */
const COMMAND_ALIASES: Record<string, CommandName> = {
  menu: 'menu',
  accueil: 'menu',
  back: 'back',
  retour: 'back',
  language: 'language',
  languages: 'language',
  lang: 'language',
  langue: 'language',
  volunteer: 'volunteer',
  benevole: 'volunteer',
  human: 'volunteer',
  humain: 'volunteer',
  about: 'about',
  apropos: 'about',
  help: 'about',
  aide: 'about',
  erase: 'erase',
  effacer: 'erase',
  forget: 'erase',
};

/** What Telegram allows in a deep-link payload (`t.me/bot?start=…`). */
const DEEP_LINK_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/;

/**
 * Turns one Telegram update into a neutral message, or says why Relais does not answer it (groups,
 * channels, edits, membership changes, service messages, inline queries…).
 * `receivedAt` is when we got it (the caller's clock), so the function stays pure.
 */
export function toInbound(update: Update, receivedAt: Date = new Date()): ToInboundResult {
  const base = { channel: 'telegram' as const, externalId: String(update.update_id), receivedAt };
  const message = (m: InboundMessage): ToInboundResult => ({ status: 'message', message: m });

  if (update.message) {
    const sent = update.message;
    if (sent.chat.type !== 'private') return { status: 'skipped', reason: `a message in a ${sent.chat.type} chat` };
    const body = messageBody(sent);
    if (!body) return { status: 'skipped', reason: 'a service message or an empty text' };
    return message({ ...base, personKey: String(sent.chat.id), ...hints(sent.from?.language_code), body });
  }

  if (update.callback_query) {
    const query = update.callback_query;
    // A button under a message in a group (the volunteers' group) is not a person's choice.
    if (query.message && query.message.chat.type !== 'private') return { status: 'skipped', reason: 'a tap in a group' };
    const id = decodeChoiceData(query.data);
    if (id === null) return { status: 'skipped', reason: 'a button that is not one of ours' };
    const personKey = String(query.message?.chat.id ?? query.from.id);
    return message({ ...base, personKey, ...hints(query.from.language_code), body: { kind: 'choice', id } });
  }

  return { status: 'skipped', reason: 'not a message or a tap' };
}

function hints(languageCode: string | undefined): Pick<InboundMessage, 'hints'> {
  return languageCode ? { hints: { languageCode } } : {};
}

function messageBody(message: Message): InboundBody | null {
  if (typeof message.text === 'string') return textBody(message.text);
  const what = unsupportedKind(message);
  return what ? { kind: 'unsupported', what } : null;
}

function textBody(text: string): InboundBody | null {
  const command = COMMAND.exec(text.trim());
  if (command) {
    const name = command[1]!.toLowerCase();
    const argument = command[2]?.trim() ?? '';
    if (name === 'start') {
      return DEEP_LINK_PAYLOAD.test(argument) ? { kind: 'start', payload: argument } : { kind: 'start' };
    }
    const mapped = COMMAND_ALIASES[name];
    if (mapped) return { kind: 'command', command: mapped };
  }
  if (text.trim() === '') return null;
  return { kind: 'text', text };
}

/**
 * What kind of thing a person sent that Relais cannot read. Service messages (a pinned message,
 * a chat photo change…) return `null`: they deserve no reply.
 */
function unsupportedKind(message: Message): UnsupportedKind | null {
  if (message.photo) return 'image';
  if (message.sticker) return 'sticker';
  if (message.voice || message.audio) return 'audio';
  if (message.video || message.video_note || message.animation) return 'video';
  if (message.document) return 'document';
  if (message.location || message.venue) return 'location';
  if (message.contact) return 'contacts';
  if (message.poll || message.dice || message.game || message.story || message.paid_media || message.checklist) {
    return 'other';
  }
  return null;
}
