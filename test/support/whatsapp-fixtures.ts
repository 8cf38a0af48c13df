import { createHmac } from 'node:crypto';

/**
 * WhatsApp webhook payloads as Meta sends them (`messages` field), and a signer that signs like Meta:
 * HMAC-SHA256 with the app secret over Meta's serialisation, where every non-ASCII character is escaped
 * as `\uXXXX` (lowercase hex, surrogate pairs) and `/` as `\/`.
 */

export const TEST_PHONE_NUMBER_ID = '106540352242922';
export const TEST_WABA_ID = '102290129340398';
export const TEST_APP_SECRET = 'whatsapp-app-secret-for-tests';
export const TEST_VERIFY_TOKEN = 'verify-token-for-tests';
export const TEST_ACCESS_TOKEN = 'EAAtest-access-token';

/** The env that turns WhatsApp on against a fake Graph API at `apiBase`. */
export function whatsappEnv(apiBase: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WHATSAPP_ACCESS_TOKEN: TEST_ACCESS_TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: TEST_PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: TEST_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    WHATSAPP_API_BASE: apiBase,
    WHATSAPP_GRAPH_VERSION: 'v23.0',
    ...extra,
  };
}

/** A WhatsApp user: a phone number (`wa_id`), a business-scoped user id, or both. */
export interface WaPerson {
  waId?: string;
  bsuid?: string;
  name?: string;
}

export interface WaEvent {
  contact?: Record<string, unknown>;
  message?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

let sequence = 0;
/** A fresh wamid-looking id. */
export function wamid(): string {
  sequence += 1;
  return `wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQz${String(sequence).padStart(8, '0')}AA==`;
}

function unix(at: Date | undefined): string {
  return String(Math.floor((at ?? new Date()).getTime() / 1000));
}

function contactOf(person: WaPerson): Record<string, unknown> {
  return {
    profile: { name: person.name ?? 'Test User' },
    ...(person.waId ? { wa_id: person.waId } : {}),
    ...(person.bsuid ? { user_id: person.bsuid } : {}),
  };
}

interface MessageOptions {
  id?: string;
  at?: Date;
}

function inbound(person: WaPerson, type: string, content: Record<string, unknown>, o: MessageOptions = {}): WaEvent {
  return {
    contact: contactOf(person),
    message: {
      ...(person.waId ? { from: person.waId } : {}),
      ...(person.bsuid ? { from_user_id: person.bsuid } : {}),
      id: o.id ?? wamid(),
      timestamp: unix(o.at),
      type,
      ...content,
    },
  };
}

export const wa = {
  text: (person: WaPerson, body: string, o?: MessageOptions) => inbound(person, 'text', { text: { body } }, o),
  buttonReply: (person: WaPerson, id: string, title = id, o?: MessageOptions) =>
    inbound(person, 'interactive', { interactive: { type: 'button_reply', button_reply: { id, title } } }, o),
  listReply: (person: WaPerson, id: string, title = id, o?: MessageOptions) =>
    inbound(person, 'interactive', { interactive: { type: 'list_reply', list_reply: { id, title, description: '' } } }, o),
  /** A tap on a template's quick-reply button (payload defaults to the text, as Meta does). */
  templateButton: (person: WaPerson, text: string, payload = text, o?: MessageOptions) =>
    inbound(person, 'button', { button: { text, payload } }, o),
  image: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'image', { image: { mime_type: 'image/jpeg', sha256: 'abc=', id: '1234567890' } }, o),
  audio: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'audio', { audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'abc=', id: '1234567891', voice: true } }, o),
  video: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'video', { video: { mime_type: 'video/mp4', sha256: 'abc=', id: '1234567892' } }, o),
  document: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'document', { document: { filename: 'refus.pdf', mime_type: 'application/pdf', sha256: 'abc=', id: '1234567893' } }, o),
  sticker: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'sticker', { sticker: { mime_type: 'image/webp', sha256: 'abc=', id: '1234567894', animated: false } }, o),
  location: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'location', { location: { latitude: 43.7765, longitude: 7.5048, name: 'Menton' } }, o),
  contacts: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'contacts', { contacts: [{ name: { formatted_name: 'Avocat', first_name: 'Avocat' }, phones: [{ phone: '+33 4 00 00 00 00', type: 'WORK' }] }] }, o),
  reaction: (person: WaPerson, messageId: string, emoji = '👍', o?: MessageOptions) =>
    inbound(person, 'reaction', { reaction: { message_id: messageId, emoji } }, o),
  unsupported: (person: WaPerson, o?: MessageOptions) =>
    inbound(person, 'unsupported', {
      unsupported: { type: 'edit' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    }, o),
  requestWelcome: (person: WaPerson, o?: MessageOptions) => inbound(person, 'request_welcome', {}, o),
  system: (person: WaPerson, o?: MessageOptions) => ({
    message: {
      from: person.waId,
      id: o?.id ?? wamid(),
      timestamp: unix(o?.at),
      type: 'system',
      system: { body: 'User changed number', type: 'user_changed_number', wa_id: '33700000000' },
    },
  }),
  /** A status for one of our messages; `failed` carries Meta's errors. */
  status: (
    id: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    person: WaPerson,
    error?: { code: number; title: string; details?: string },
  ): WaEvent => ({
    status: {
      id,
      status,
      timestamp: unix(undefined),
      ...(person.waId ? { recipient_id: person.waId } : {}),
      ...(person.bsuid ? { recipient_user_id: person.bsuid } : {}),
      ...(status === 'failed'
        ? {
            errors: [
              {
                code: error?.code ?? 131026,
                title: error?.title ?? 'Message undeliverable',
                message: error?.title ?? 'Message undeliverable',
                error_data: { details: error?.details ?? 'Message Undeliverable.' },
                href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
              },
            ],
          }
        : {
            pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
          }),
    },
  }),
};

/** One `changes[].value` of the `messages` field, as Meta groups it. */
export function changeValue(events: WaEvent[], phoneNumberId = TEST_PHONE_NUMBER_ID): Record<string, unknown> {
  const contacts = events.flatMap((e) => (e.contact ? [e.contact] : []));
  const messages = events.flatMap((e) => (e.message ? [e.message] : []));
  const statuses = events.flatMap((e) => (e.status ? [e.status] : []));
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '33644000000', phone_number_id: phoneNumberId },
    ...(contacts.length ? { contacts } : {}),
    ...(messages.length ? { messages } : {}),
    ...(statuses.length ? { statuses } : {}),
  };
}

/**
 * A whole webhook body. Each inner array is one change; changes are spread over `entries` entries
 * (Meta batches several entries and changes in one POST).
 */
export function webhookBody(changes: WaEvent[][], options: { entries?: number; phoneNumberId?: string } = {}) {
  const entries = Math.max(1, options.entries ?? 1);
  const buckets: Record<string, unknown>[][] = Array.from({ length: entries }, () => []);
  changes.forEach((events, i) => {
    buckets[i % entries]!.push({ value: changeValue(events, options.phoneNumberId), field: 'messages' });
  });
  return {
    object: 'whatsapp_business_account',
    entry: buckets.map((changesOfEntry) => ({ id: TEST_WABA_ID, changes: changesOfEntry })),
  };
}

/** Shorthand: one entry, one change holding these events. */
export function webhookOf(...events: WaEvent[]) {
  return webhookBody([events]);
}

/** Meta's serialisation: compact JSON with `\/` and every non-ASCII UTF-16 unit as lowercase `\uXXXX`. */
export function metaJson(body: unknown): string {
  return JSON.stringify(body)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** `sha256=<hex>` over Meta's escaped serialisation of `body` (a string is taken as already serialised). */
export function signLikeMeta(body: string, appSecret = TEST_APP_SECRET): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(body, 'utf8').digest('hex');
}

/**
 * A POST init as Meta would make it. `wire: 'escaped'` (default) sends Meta's escaped bytes; `'utf8'`
 * sends the plain characters while the signature stays over the escaped form (what SDKs get wrong).
 */
export function signedInit(
  body: unknown,
  options: { wire?: 'escaped' | 'utf8'; appSecret?: string; signature?: string | null } = {},
): RequestInit {
  const escaped = metaJson(body);
  // Same bytes but for the non-ASCII characters, left as UTF-8.
  const wire = options.wire === 'utf8' ? JSON.stringify(body).replace(/\//g, '\\/') : escaped;
  const signature = options.signature === undefined ? signLikeMeta(escaped, options.appSecret) : options.signature;
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      ...(signature !== null ? { 'x-hub-signature-256': signature } : {}),
    },
    body: wire,
  };
}
