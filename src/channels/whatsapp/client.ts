import { z } from 'zod';
import { codePointLength, PLATFORM_LIMITS } from '../../core/limits.js';

/**
 * A small typed client for the few WhatsApp Cloud API calls Relais makes, all of them
 * `POST /{version}/{phone-number-id}/messages`: text, interactive reply buttons, interactive list,
 * template, and "mark as read". Every body is validated with zod before it leaves (a body Meta would
 * reject never costs a request), and every answer is parsed: success into wamids, failure into a
 * `WhatsAppApiError` carrying the HTTP status, Meta's code/subcode and the `Retry-After` advice.
 *
 * Why not an SDK: see DESIGN.md ("Why no WhatsApp SDK").
 */

/** Meta's limits (one table for every channel in `core/limits.ts`). Lengths are counted in code points. */
const WHATSAPP_LIMITS = PLATFORM_LIMITS.whatsapp;

const limited = (max: number, what: string) =>
  z
    .string()
    .refine((s) => s.trim().length > 0, `${what} must not be empty`)
    .refine((s) => codePointLength(s) <= max, `${what} must be at most ${max} characters`);

// ---------------------------------------------------------------------------------------------
// Outgoing message content (what the renderer produces) and full request bodies.
// ---------------------------------------------------------------------------------------------

export const textContentSchema = z.strictObject({
  type: z.literal('text'),
  text: z.strictObject({ body: limited(WHATSAPP_LIMITS.textBody, 'text body'), preview_url: z.boolean().optional() }),
});

const replyButtonSchema = z.strictObject({
  type: z.literal('reply'),
  reply: z.strictObject({
    id: limited(WHATSAPP_LIMITS.buttonId, 'button id'),
    title: limited(WHATSAPP_LIMITS.buttonTitle, 'button title'),
  }),
});

export const buttonsContentSchema = z.strictObject({
  type: z.literal('interactive'),
  interactive: z.strictObject({
    type: z.literal('button'),
    body: z.strictObject({ text: limited(WHATSAPP_LIMITS.interactiveBody, 'interactive body') }),
    footer: z.strictObject({ text: limited(WHATSAPP_LIMITS.footer, 'footer') }).optional(),
    action: z.strictObject({
      buttons: z
        .array(replyButtonSchema)
        .min(1)
        .max(WHATSAPP_LIMITS.buttons)
        .refine((bs) => unique(bs.map((b) => b.reply.id)), 'button ids must be unique')
        .refine((bs) => unique(bs.map((b) => b.reply.title)), 'button titles must be unique'),
    }),
  }),
});

const listRowSchema = z.strictObject({
  id: limited(WHATSAPP_LIMITS.rowId, 'row id'),
  title: limited(WHATSAPP_LIMITS.rowTitle, 'row title'),
  description: limited(WHATSAPP_LIMITS.rowDescription, 'row description').optional(),
});

export const listContentSchema = z.strictObject({
  type: z.literal('interactive'),
  interactive: z.strictObject({
    type: z.literal('list'),
    body: z.strictObject({ text: limited(WHATSAPP_LIMITS.interactiveBody, 'interactive body') }),
    footer: z.strictObject({ text: limited(WHATSAPP_LIMITS.footer, 'footer') }).optional(),
    action: z
      .strictObject({
        button: limited(WHATSAPP_LIMITS.listButton, 'list button text'),
        sections: z
          .array(
            z.strictObject({
              title: limited(WHATSAPP_LIMITS.sectionTitle, 'section title').optional(),
              rows: z.array(listRowSchema).min(1),
            }),
          )
          .min(1)
          .max(WHATSAPP_LIMITS.listSections),
      })
      .refine(
        (a) => a.sections.reduce((n, s) => n + s.rows.length, 0) <= WHATSAPP_LIMITS.listRows,
        `a list has at most ${WHATSAPP_LIMITS.listRows} rows in all`,
      )
      .refine((a) => unique(a.sections.flatMap((s) => s.rows.map((r) => r.id))), 'row ids must be unique')
      .refine((a) => a.sections.length === 1 || a.sections.every((s) => s.title), 'several sections need titles'),
  }),
});

const templateParameterSchema = z.strictObject({ type: z.literal('text'), text: z.string().min(1) });

export const templateContentSchema = z.strictObject({
  type: z.literal('template'),
  template: z.strictObject({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lower case letters, digits and _'),
    language: z.strictObject({ code: z.string().min(2).max(15), policy: z.literal('deterministic').optional() }),
    components: z
      .array(
        z.strictObject({
          type: z.enum(['header', 'body', 'button']),
          sub_type: z.literal('quick_reply').optional(),
          index: z.string().optional(),
          parameters: z.array(
            z.union([templateParameterSchema, z.strictObject({ type: z.literal('payload'), payload: z.string() })]),
          ),
        }),
      )
      .optional(),
  }),
});

/** One message as Relais sends it, without the recipient. */
export const messageContentSchema = z.union([
  textContentSchema,
  buttonsContentSchema,
  listContentSchema,
  templateContentSchema,
]);
export type WhatsAppMessageContent = z.infer<typeof messageContentSchema>;
export type WhatsAppTextContent = z.infer<typeof textContentSchema>;
export type WhatsAppButtonsContent = z.infer<typeof buttonsContentSchema>;
export type WhatsAppListContent = z.infer<typeof listContentSchema>;
export type WhatsAppTemplateContent = z.infer<typeof templateContentSchema>;

/**
 * Whom to send to. A phone number (`wa_id`, digits) goes in `to`; a business-scoped user id
 * (`CC.xxxxx`, for people who hide their number behind a username) goes in `recipient`.
 */
export type WhatsAppRecipient = { to: string } | { recipient: string };

/** The recipient field for a Relais person key: digits are a `wa_id`, anything else a BSUID. */
export function recipientFor(personKey: string): WhatsAppRecipient {
  return /^\d+$/.test(personKey) ? { to: personKey } : { recipient: personKey };
}

const recipientSchema = z.union([
  z.strictObject({ to: z.string().regex(/^\d{5,20}$/, 'to must be the digits of a phone number') }),
  z.strictObject({ recipient: z.string().min(3).max(160) }),
]);

/** Validates content + recipient together: the full body of a send. */
export function buildSendBody(recipient: WhatsAppRecipient, content: WhatsAppMessageContent): Record<string, unknown> {
  const who = recipientSchema.safeParse(recipient);
  if (!who.success) throw new WhatsAppPayloadError(describeIssues(who.error));
  // Pick the schema by type so a failure names the field (a union would only say "invalid input").
  const what = contentSchemaFor(content).safeParse(content);
  if (!what.success) throw new WhatsAppPayloadError(describeIssues(what.error));
  return { messaging_product: 'whatsapp', recipient_type: 'individual', ...who.data, ...what.data };
}

/** Validates one message content against the schema of its type; `reason` names the offending field. */
export function checkMessageContent(
  content: unknown,
): { success: true; data: WhatsAppMessageContent } | { success: false; reason: string } {
  const parsed = contentSchemaFor(content).safeParse(content);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, reason: describeIssues(parsed.error) };
}

function contentSchemaFor(content: unknown): z.ZodType<WhatsAppMessageContent> {
  const c = content as { type?: unknown; interactive?: { type?: unknown } } | null;
  if (c?.type === 'text') return textContentSchema;
  if (c?.type === 'template') return templateContentSchema;
  if (c?.type === 'interactive' && c.interactive?.type === 'list') return listContentSchema;
  if (c?.type === 'interactive' && c.interactive?.type === 'button') return buttonsContentSchema;
  return messageContentSchema;
}

export const markReadBodySchema = z.strictObject({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
});

// ---------------------------------------------------------------------------------------------
// Responses.
// ---------------------------------------------------------------------------------------------

export const sendResponseSchema = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  contacts: z.array(z.object({ input: z.string().optional(), wa_id: z.string().optional(), user_id: z.string().optional() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});
export type WhatsAppSendResponse = z.infer<typeof sendResponseSchema>;

export const successResponseSchema = z.object({ success: z.boolean() });

export const errorResponseSchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.coerce.number().int().optional(),
    error_subcode: z.coerce.number().int().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    error_data: z.object({ messaging_product: z.string().optional(), details: z.string().optional() }).loose().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

/** The Graph API answered with an error (or with something that is not a valid answer). */
export class WhatsAppApiError extends Error {
  override readonly name = 'WhatsAppApiError';
  constructor(
    readonly httpStatus: number,
    message: string,
    readonly details: {
      code?: number;
      subcode?: number;
      type?: string;
      /** Meta's `error_data.details`: the most specific explanation. */
      detail?: string;
      fbtraceId?: string;
      /** From `Retry-After` (seconds or HTTP date), when the server gave one. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }
  get code(): number | undefined {
    return this.details.code;
  }
  get subcode(): number | undefined {
    return this.details.subcode;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
  /** A one-line reason for an outbox row or a volunteer: code, message and detail, no personal data. */
  get reason(): string {
    const code = this.code !== undefined ? ` ${this.code}` : '';
    const detail = this.details.detail && !this.message.includes(this.details.detail) ? ` (${this.details.detail})` : '';
    return `WhatsApp error${code} [HTTP ${this.httpStatus}]: ${this.message}${detail}`;
  }
}

/** The request never got an HTTP answer (DNS, connection refused, reset, timeout). */
export class WhatsAppNetworkError extends Error {
  override readonly name = 'WhatsAppNetworkError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

/** A body failed our own zod validation: nothing was sent. */
export class WhatsAppPayloadError extends Error {
  override readonly name = 'WhatsAppPayloadError';
}

// ---------------------------------------------------------------------------------------------
// The client.
// ---------------------------------------------------------------------------------------------

export interface WhatsAppClientOptions {
  accessToken: string;
  phoneNumberId: string;
  /** `https://graph.facebook.com` in production; a local fake server in tests (`WHATSAPP_API_BASE`). */
  apiBase: string;
  /** `v23.0`. */
  graphVersion: string;
  fetch?: typeof fetch;
  /** Per request; a timeout is a network error (retried). Default 15 s. */
  timeoutMs?: number;
}

export interface WhatsAppClient {
  /** Sends one validated message; returns its wamid(s). */
  send(recipient: WhatsAppRecipient, content: WhatsAppMessageContent): Promise<string[]>;
  sendText(recipient: WhatsAppRecipient, body: string): Promise<string[]>;
  sendReplyButtons(
    recipient: WhatsAppRecipient,
    body: string,
    buttons: { id: string; title: string }[],
  ): Promise<string[]>;
  sendList(
    recipient: WhatsAppRecipient,
    list: { body: string; button: string; sectionTitle?: string; rows: { id: string; title: string; description?: string }[] },
  ): Promise<string[]>;
  sendTemplate(recipient: WhatsAppRecipient, template: { name: string; languageCode: string }): Promise<string[]>;
  /** Blue ticks on an inbound message (and every earlier one in the chat). */
  markRead(messageId: string): Promise<void>;
}

/** Creates the client. Nothing is read from the environment: pass the config in. */
export function createWhatsAppClient(options: WhatsAppClientOptions): WhatsAppClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const url = `${options.apiBase.replace(/\/+$/, '')}/${options.graphVersion}/${options.phoneNumberId}/messages`;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function post(body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new WhatsAppNetworkError(`request to the Graph API failed: ${errorMessage(error)}`, error);
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) throw toApiError(response, json);
    return json;
  }

  async function send(recipient: WhatsAppRecipient, content: WhatsAppMessageContent): Promise<string[]> {
    const json = await post(buildSendBody(recipient, content));
    const parsed = sendResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new WhatsAppApiError(200, `unexpected answer to a send: ${describeIssues(parsed.error)}`);
    }
    return parsed.data.messages.map((m) => m.id);
  }

  return {
    send,
    sendText: (recipient, body) => send(recipient, { type: 'text', text: { body } }),
    sendReplyButtons: (recipient, body, buttons) =>
      send(recipient, {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: body },
          action: { buttons: buttons.map((b) => ({ type: 'reply' as const, reply: { id: b.id, title: b.title } })) },
        },
      }),
    sendList: (recipient, list) =>
      send(recipient, {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: list.body },
          action: {
            button: list.button,
            sections: [{ ...(list.sectionTitle ? { title: list.sectionTitle } : {}), rows: list.rows }],
          },
        },
      }),
    sendTemplate: (recipient, template) =>
      send(recipient, {
        type: 'template',
        template: { name: template.name, language: { code: template.languageCode, policy: 'deterministic' } },
      }),
    async markRead(messageId) {
      const body = markReadBodySchema.safeParse({ messaging_product: 'whatsapp', status: 'read', message_id: messageId });
      if (!body.success) throw new WhatsAppPayloadError(describeIssues(body.error));
      const json = await post(body.data);
      const parsed = successResponseSchema.safeParse(json);
      if (!parsed.success || !parsed.data.success) {
        throw new WhatsAppApiError(200, 'unexpected answer to mark-as-read');
      }
    },
  };
}

function toApiError(response: Response, json: unknown): WhatsAppApiError {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const parsed = errorResponseSchema.safeParse(json);
  if (!parsed.success) {
    return new WhatsAppApiError(response.status, response.statusText || `HTTP ${response.status}`, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const e = parsed.data.error;
  return new WhatsAppApiError(response.status, e.message ?? e.error_user_msg ?? `HTTP ${response.status}`, {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.error_subcode !== undefined ? { subcode: e.error_subcode } : {}),
    ...(e.type ? { type: e.type } : {}),
    ...(e.error_data?.details ? { detail: e.error_data.details } : {}),
    ...(e.fbtrace_id ? { fbtraceId: e.fbtrace_id } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: () => number = Date.now): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now());
}

function unique(values: string[]): boolean {
  return new Set(values).size === values.length;
}

/** zod issues as one readable line: `interactive.action.buttons.0.reply.title: … at most 20 characters`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
