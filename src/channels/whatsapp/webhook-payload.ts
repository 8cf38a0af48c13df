import { z } from 'zod';
import { describeIssues } from './client.js';

/**
 * The `messages` webhook as Meta sends it (`object: whatsapp_business_account`). Strict on the envelope
 * and on what Relais reads (ids, types, the text it needs), lenient on everything else: Meta adds fields
 * often (BSUIDs arrived in 2026), and an unknown field must never turn a real message into a 400.
 *
 * People: `from` (phone digits) may be absent for users who adopted a username; `from_user_id` and
 * `contacts[].user_id` carry the business-scoped user id (BSUID) when present.
 */

const contactSchema = z
  .object({
    wa_id: z.string().optional(),
    user_id: z.string().optional(),
    parent_user_id: z.string().optional(),
    profile: z.object({ name: z.string().optional(), username: z.string().optional() }).loose().optional(),
  })
  .loose();

const webhookErrorSchema = z
  .object({
    code: z.coerce.number().int().optional(),
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
    href: z.string().optional(),
  })
  .loose();
export type WebhookError = z.infer<typeof webhookErrorSchema>;

export const inboundMessageSchema = z
  .object({
    id: z.string().min(1),
    from: z.string().optional(),
    from_user_id: z.string().optional(),
    timestamp: z.string().regex(/^\d+$/, 'must be unix seconds'),
    type: z.string().min(1),
    text: z.object({ body: z.string() }).loose().optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id: z.string(), title: z.string().optional() }).loose().optional(),
        list_reply: z
          .object({ id: z.string(), title: z.string().optional(), description: z.string().optional() })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
    button: z.object({ text: z.string().optional(), payload: z.string().optional() }).loose().optional(),
    context: z.object({ id: z.string().optional(), from: z.string().optional() }).loose().optional(),
    errors: z.array(webhookErrorSchema).optional(),
  })
  .loose();
export type WhatsAppInboundMessage = z.infer<typeof inboundMessageSchema>;

export const statusSchema = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    timestamp: z.string().optional(),
    recipient_id: z.string().optional(),
    recipient_user_id: z.string().optional(),
    errors: z.array(webhookErrorSchema).optional(),
  })
  .loose();
export type WhatsAppStatus = z.infer<typeof statusSchema>;

export const messagesValueSchema = z
  .object({
    messaging_product: z.literal('whatsapp'),
    metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).loose(),
    contacts: z.array(contactSchema).optional(),
    messages: z.array(inboundMessageSchema).optional(),
    statuses: z.array(statusSchema).optional(),
    errors: z.array(webhookErrorSchema).optional(),
  })
  .loose();
export type WhatsAppMessagesValue = z.infer<typeof messagesValueSchema>;
export type WhatsAppContact = z.infer<typeof contactSchema>;

const changeSchema = z.object({ field: z.string(), value: z.unknown() }).loose();

export const webhookEnvelopeSchema = z
  .object({
    object: z.literal('whatsapp_business_account'),
    entry: z.array(z.object({ id: z.string(), changes: z.array(changeSchema) }).loose()),
  })
  .loose();

export interface ParsedWebhook {
  /** Every `messages` change value, in order (other fields such as `calls` are skipped). */
  values: WhatsAppMessagesValue[];
  /** Changes of another field, counted for the logs. */
  skipped: number;
}

/** Parses a webhook body; a malformed one yields a reason that names the path. */
export function parseWebhook(body: unknown): { ok: true; webhook: ParsedWebhook } | { ok: false; reason: string } {
  const envelope = webhookEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, reason: describeIssues(envelope.error) };
  const values: WhatsAppMessagesValue[] = [];
  let skipped = 0;
  for (const [e, entry] of envelope.data.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      if (change.field !== 'messages') {
        skipped += 1;
        continue;
      }
      const value = messagesValueSchema.safeParse(change.value);
      if (!value.success) {
        return { ok: false, reason: `entry.${e}.changes.${c}.value: ${describeIssues(value.error)}` };
      }
      values.push(value.data);
    }
  }
  return { ok: true, webhook: { values, skipped } };
}

/** One line from a webhook `errors[]` entry: `131026 Message undeliverable: details`. */
export function describeWebhookErrors(errors: WebhookError[] | undefined): string {
  if (!errors || errors.length === 0) return 'WhatsApp reported the message as failed (no reason given)';
  return errors
    .map((e) => {
      const head = [e.code, e.title ?? e.message].filter((x) => x !== undefined && x !== '').join(' ');
      const details = e.error_data?.details;
      return details && details !== e.title && details !== e.message ? `${head}: ${details}` : head;
    })
    .join('; ');
}
