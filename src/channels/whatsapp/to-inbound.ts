import type { InboundBody, UnsupportedKind } from '../../core/messages.js';
import type { ToInboundResult } from '../channel.js';
import type { WhatsAppContact, WhatsAppInboundMessage } from './webhook-payload.js';

/**
 * Turns one message of a WhatsApp webhook into Relais's neutral `InboundMessage`. Pure.
 *
 * Identity: the person is keyed by the business-scoped user id (BSUID) when the webhook carries one
 * (`from_user_id`, or the matching contact's `user_id`), else by the phone number (`wa_id`/`from`).
 * The phone number, when present, goes into `hints.phoneNumber` for the language guess (country prefix).
 *
 * Returns a reason instead of a message for what is not a person writing to us: system notices
 * (number changed) and messages without any identity.
 */
const MEDIA: Record<string, UnsupportedKind> = {
  image: 'image',
  audio: 'audio',
  voice: 'audio',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  contacts: 'contacts',
  reaction: 'reaction',
};

export function toInbound(
  message: WhatsAppInboundMessage,
  contacts: WhatsAppContact[] = [],
  now: () => Date = () => new Date(),
): ToInboundResult {
  if (message.type === 'system') return { status: 'skipped', reason: 'system notice' };

  const ownId = !!message.from || !!message.from_user_id;
  const contact =
    contacts.find((c) => (message.from && c.wa_id === message.from) || (message.from_user_id && c.user_id === message.from_user_id)) ??
    // Only a message with no id of its own borrows the lone contact: never key one person by another's id.
    (!ownId && contacts.length === 1 ? contacts[0] : undefined);
  const bsuid = nonEmpty(message.from_user_id) ?? nonEmpty(contact?.user_id);
  const waId = nonEmpty(message.from) ?? nonEmpty(contact?.wa_id);
  const personKey = bsuid ?? waId;
  if (!personKey) return { status: 'skipped', reason: 'message without a sender id' };

  return {
    status: 'message',
    message: {
      channel: 'whatsapp',
      externalId: message.id,
      personKey,
      receivedAt: receivedAt(message.timestamp, now),
      ...(waId && /^\d+$/.test(waId) ? { hints: { phoneNumber: waId } } : {}),
      body: toBody(message),
    },
  };
}

function toBody(message: WhatsAppInboundMessage): InboundBody {
  switch (message.type) {
    case 'text':
      return { kind: 'text', text: message.text?.body ?? '' };
    case 'interactive': {
      const i = message.interactive;
      if (i?.type === 'button_reply' && i.button_reply) return { kind: 'choice', id: i.button_reply.id };
      if (i?.type === 'list_reply' && i.list_reply) return { kind: 'choice', id: i.list_reply.id };
      return { kind: 'unsupported', what: 'other' };
    }
    case 'button': {
      // A quick-reply button of a template (the re-engagement invite). Its payload is ours only when we
      // set one at send time; by default Meta echoes the button text, which the engine reads as text.
      const text = message.button?.text;
      const payload = message.button?.payload;
      if (payload && payload !== text) return { kind: 'choice', id: payload };
      return { kind: 'text', text: text ?? payload ?? '' };
    }
    case 'request_welcome':
      // The person opened the chat for the first time: greet them as for a /start.
      return { kind: 'start' };
    default:
      return { kind: 'unsupported', what: MEDIA[message.type] ?? 'other' };
  }
}

function receivedAt(timestamp: string, now: () => Date): Date {
  const seconds = Number(timestamp);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : now();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() ? value : undefined;
}
