import type { WhatsAppConfig } from '../../config/config.js';
import type { InboundMessage } from '../../core/messages.js';
import type { ChannelCore } from '../channel.js';
import { parseJson, type Parsed, type Received, type WebhookAdapter } from '../webhook.js';
import type { WhatsAppClient } from './client.js';
import { REENGAGEMENT_CODE, UNDELIVERABLE_CODE } from './sender.js';
import { verifyWhatsAppSignature } from './signature.js';
import { toInbound } from './to-inbound.js';
import { describeWebhookErrors, parseWebhook, type ParsedWebhook, type WhatsAppStatus } from './webhook-payload.js';

/**
 * The WhatsApp half of the webhook pipeline. Meta batches up to 1000 updates per POST: every message
 * of every entry and change is recorded in one call; a `failed` status is applied before answering
 * (Meta will not send it again once it has its 200); read receipts and other statuses wait.
 */
export function whatsappWebhook(config: WhatsAppConfig, core: ChannelCore, client: WhatsAppClient): WebhookAdapter<ParsedWebhook> {
  const log = core.logger.child({ channel: 'whatsapp' });

  /**
   * `markFailedByExternalId` is idempotent, so it runs on every delivery of a failed status — also on
   * Meta's retries after a 5xx — and `firstSeen` only keeps duplicates out of the logs.
   */
  async function applyFailedStatus(status: WhatsAppStatus) {
    const reason = describeWebhookErrors(status.errors);
    // Outside the 24-hour window (often reported only after Meta accepted the message): it waits for
    // the person to write back, like a message held before sending.
    if (status.errors?.some((e) => e.code === REENGAGEMENT_CODE)) {
      await core.outbox.holdByExternalId('whatsapp', status.id, reason);
      return;
    }
    if (status.errors?.some((e) => e.code === UNDELIVERABLE_CODE)) await core.outbox.markUnreachableByExternalId('whatsapp', status.id, reason);
    else await core.outbox.markFailedByExternalId('whatsapp', status.id, reason);
    if (await core.inbox.firstSeen('whatsapp', `status:${status.id}:failed`)) {
      // A wamid carries the recipient's number (base64): only its hash is logged.
      log.warn('whatsapp.message_failed', { message: log.hash(status.id), reason });
    }
  }

  /** Delivered and read: kept on the outbox rows (a volunteer sees their reply was read), in one statement. */
  async function noteReceipts(list: WhatsAppStatus[]) {
    const receipts = list
      .filter((s): s is WhatsAppStatus & { status: 'delivered' | 'read' } => s.status === 'delivered' || s.status === 'read')
      .map((s) => ({ externalId: s.id, status: s.status, at: receivedAt(s.timestamp) }));
    await core.outbox.noteReceipts('whatsapp', receipts);
    log.debug('whatsapp.statuses', { received: list.length, receipts: receipts.length });
  }

  /** Blue ticks: best effort, after the answer, never blocking or failing anything. */
  async function markRead(ids: string[]) {
    for (const id of ids) {
      try {
        await client.markRead(id);
      } catch (error) {
        log.debug('whatsapp.mark_read_failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  return {
    channel: 'whatsapp',
    verify: (raw, header) => verifyWhatsAppSignature(raw, header('x-hub-signature-256'), config.appSecret),
    parse(raw): Parsed<ParsedWebhook> {
      const json = parseJson(raw);
      if (!json.ok) return json;
      const parsed = parseWebhook(json.payload);
      return parsed.ok ? { ok: true, payload: parsed.webhook } : parsed;
    },
    receive(webhook): Received {
      const messages: InboundMessage[] = [];
      const toMarkRead: string[] = [];
      const statuses: WhatsAppStatus[] = [];
      let skipped = webhook.skipped;
      for (const value of webhook.values) {
        if (value.metadata.phone_number_id !== config.phoneNumberId) {
          // Another number of the same Meta app: answering it from ours would be wrong.
          log.warn('whatsapp.other_phone_number', { phoneNumberId: value.metadata.phone_number_id });
          skipped += (value.messages?.length ?? 0) + (value.statuses?.length ?? 0);
          continue;
        }
        if (value.errors?.length) log.warn('whatsapp.webhook_errors', { errors: describeWebhookErrors(value.errors) });
        for (const message of value.messages ?? []) {
          const result = toInbound(message, value.contacts ?? []);
          if (result.status === 'skipped') {
            skipped += 1;
            log.debug('whatsapp.message_skipped', { reason: result.reason, type: message.type });
            continue;
          }
          messages.push(result.message);
          toMarkRead.push(message.id);
        }
        statuses.push(...(value.statuses ?? []));
      }
      log.info('whatsapp.webhook', {
        messages: messages.length,
        statuses: statuses.length,
        skipped,
        people: new Set(messages.map((m) => m.personKey)).size,
      });
      const failed = statuses.filter((s) => s.status === 'failed');
      const others = statuses.filter((s) => s.status !== 'failed');
      return {
        messages,
        // Before the answer: once Meta has its 200 it will not send these again.
        before: [...failed.map((status) => () => applyFailedStatus(status)), ...(others.length > 0 ? [() => noteReceipts(others)] : [])],
        after: () => (toMarkRead.length > 0 ? [() => markRead(toMarkRead)] : []),
      };
    },
  };
}

/** Meta's unix seconds; the time we got it when missing or odd. */
function receivedAt(timestamp: string | undefined): Date {
  const seconds = Number(timestamp);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}
