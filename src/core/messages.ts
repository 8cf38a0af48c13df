/**
 * The neutral messages that flow between channel adapters and the engine.
 * Channel adapters are the only code that knows a platform: they turn a payload into an
 * `InboundMessage` and render an `OutboundMessage` into platform calls.
 */

import type { CasePost } from './handoff.js';
import type { Direction, LocaleCode } from './locales.js';

export const CHANNELS = ['telegram', 'whatsapp', 'web'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/**
 * Whom the outbox delivers to: a person on their channel, or the volunteers' Telegram group — a
 * recipient of its own, so that posts about cases go out durably, in order and within the group's
 * rate limit, like replies to people. Never a person's channel: nothing is ever read from it.
 */
export type OutboxChannel = ChannelName | 'telegram-group';

/** What a platform told us that Relais cannot read, for a polite reply. */
export type UnsupportedKind =
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'reaction'
  | 'other';

/** The commands that work anywhere. Channels may map a platform command (`/menu`) onto one. */
export const COMMANDS = ['menu', 'back', 'language', 'volunteer', 'about', 'erase'] as const;
export type CommandName = (typeof COMMANDS)[number];

export type InboundBody =
  /** Free text typed by the person. The engine recognises command words and numbers in it. */
  | { kind: 'text'; text: string }
  /** A tap on a choice the engine offered earlier; `id` is the `Choice.id` it sent. */
  | { kind: 'choice'; id: string }
  /** First contact or a deep link (`/start zone-attente`, a QR code on a leaflet). */
  | { kind: 'start'; payload?: string }
  /** An explicit platform command (`/menu`, `/language`). */
  | { kind: 'command'; command: CommandName }
  /** A photo, voice note, sticker…: Relais answers politely in the person's language. */
  | { kind: 'unsupported'; what: UnsupportedKind };

/** Hints a channel can give for the first-contact language guess. */
export interface LanguageHints {
  /** Telegram's `from.language_code` (IETF tag such as `fr`, `pt-br`). */
  languageCode?: string;
  /** E.164 digits of a phone number without `+` (WhatsApp `wa_id`), used for its country prefix. */
  phoneNumber?: string;
}

export interface InboundMessage {
  channel: ChannelName;
  /** Unique per channel: Telegram `update_id`, WhatsApp message id (wamid), web message uuid. */
  externalId: string;
  /** The person's identity on that channel: Telegram chat id, WhatsApp BSUID or `wa_id`, web session id. */
  personKey: string;
  receivedAt: Date;
  hints?: LanguageHints;
  body: InboundBody;
}

export interface Choice {
  /** Short, stable key (≤ 48 bytes) that comes back in `{ kind: 'choice', id }`. Never shown. */
  id: string;
  /** Short label, within every channel's limits (content:check proves it). */
  label: string;
  description?: string;
}

/** A message to a person, in the person's language. */
export type OutboundMessage = { kind: 'text'; text: string } | { kind: 'choices'; text: string; choices: Choice[] };

export type HandoffReason = 'asked' | 'urgent-deadline' | 'no-match' | 'unsupported-media';

/** What the engine asks of the handoff work besides what it says: open (or bump) a case for a volunteer. */
export interface HandoffRequest {
  urgent: boolean;
  reason: HandoffReason;
  topicId?: string;
}

/** An outbox payload: a message plus what the renderer needs to know about the reader. */
export interface OutboxPayload {
  message: OutboundMessage;
  locale: LocaleCode;
  direction: Direction;
  /**
   * For the volunteers' group only: what to do in the case's topic (its sender reads this; `message`
   * then only names the post for a person reading the outbox).
   */
  casePost?: CasePost;
}

/** An inbound message as a volunteer reads it in a transcript (a tap shows its choice id). */
export function describeInbound(inbound: Pick<InboundMessage, 'body'>): string {
  const body = inbound.body;
  switch (body.kind) {
    case 'text':
      return body.text;
    case 'choice':
      return `[choice ${body.id}]`;
    case 'start':
      return body.payload ? `[start ${body.payload}]` : '[start]';
    case 'command':
      return `[/${body.command}]`;
    case 'unsupported':
      return `[${body.what}]`;
  }
}
