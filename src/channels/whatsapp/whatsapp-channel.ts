import { Hono } from 'hono';
import type { WhatsAppConfig } from '../../config.js';
import type { InboundMessage } from '../../conversation/messages.js';
import type { Channel, ChannelCore } from '../channel.js';
import { createWhatsAppClient, type WhatsAppClient } from './client.js';
import type { ListWords } from './render.js';
import { createWhatsAppSender, REENGAGEMENT_CODE } from './sender.js';
import { verifyWhatsAppSignature } from './signature.js';
import { toInbound } from './to-inbound.js';
import { describeWebhookErrors, parseWebhook, type WhatsAppStatus } from './webhook-payload.js';

export interface WhatsAppChannelOptions {
  /** The fetch the Graph API client uses (a local fake server in tests). */
  fetch?: typeof fetch;
  /** The clock for the 24-hour window. */
  now?: () => Date;
  /** A ready client (otherwise one is built from the config). */
  client?: WhatsAppClient;
  /** The list button and section words per locale, e.g. from the content (default: `LIST_WORDS`). */
  listWords?: ListWords;
}

/**
 * The WhatsApp channel: webhook routes (mounted at `/webhooks/whatsapp`) and the outbox sender.
 *
 * `GET /` answers Meta's subscription handshake. `POST /` verifies `X-Hub-Signature-256` over the raw
 * body, parses it, records every message of every entry and change (up to 1000 per POST) in one call to
 * the inbox, applies `failed` statuses to the outbox, answers 200, and only then runs the engine and
 * marks the messages read. If recording fails the answer is 500, so Meta retries and nothing is lost.
 */
export function createWhatsAppChannel(
  config: WhatsAppConfig,
  core: ChannelCore,
  options: WhatsAppChannelOptions = {},
): Channel {
  const client =
    options.client ??
    createWhatsAppClient({
      accessToken: config.accessToken,
      phoneNumberId: config.phoneNumberId,
      apiBase: config.apiBase,
      graphVersion: config.graphVersion,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  const log = core.logger.child({ channel: 'whatsapp' });
  const routes = new Hono();

  routes.get('/', function whatsappHandshake(c) {
    const mode = c.req.query('hub.mode');
    const token = c.req.query('hub.verify_token');
    const challenge = c.req.query('hub.challenge');
    if (mode === 'subscribe' && token !== undefined && challenge && constantTimeEqual(token, config.verifyToken)) {
      log.info('whatsapp.webhook_verified');
      return c.text(challenge, 200);
    }
    log.warn('whatsapp.handshake_refused', { mode: mode ?? null });
    return c.text('Forbidden', 403);
  });

  routes.post('/', async function whatsappWebhook(c) {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!(await verifyWhatsAppSignature(raw, c.req.header('x-hub-signature-256'), config.appSecret))) {
      log.warn('whatsapp.bad_signature', { present: c.req.header('x-hub-signature-256') !== undefined });
      return c.json({ error: 'invalid or missing X-Hub-Signature-256' }, 401);
    }

    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      return c.json({ error: 'malformed webhook', reason: 'the body is not UTF-8 JSON' }, 400);
    }
    const parsed = parseWebhook(json);
    if (!parsed.ok) {
      log.warn('whatsapp.malformed_webhook', { reason: parsed.reason });
      return c.json({ error: 'malformed webhook', reason: parsed.reason }, 400);
    }

    const inbound: InboundMessage[] = [];
    const toMarkRead: string[] = [];
    const statuses: WhatsAppStatus[] = [];
    let skipped = parsed.webhook.skipped;
    for (const value of parsed.webhook.values) {
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
        inbound.push(result.message);
        toMarkRead.push(message.id);
      }
      statuses.push(...(value.statuses ?? []));
    }

    let recorded: number[] = [];
    try {
      if (inbound.length > 0) {
        const result = await core.inbox.record(inbound);
        recorded = result.recorded;
        if (result.duplicates > 0) log.info('whatsapp.duplicates', { count: result.duplicates });
      }
      // A failed status is recorded before answering too: once Meta has its 200 it will not send it again.
      for (const status of statuses) {
        if (status.status === 'failed') await applyFailedStatus(status);
      }
    } catch (error) {
      // Not the error's message: a failed query's message can quote its parameters (texts, numbers).
      log.error('whatsapp.record_failed', { error: errorKind(error), messages: inbound.length, statuses: statuses.length });
      return c.json({ error: 'could not record the update; retry later' }, 500);
    }

    // Answer Meta at once (it expects a fast 200, and retries otherwise); the engine runs after.
    if (recorded.length > 0) core.defer(c, () => core.inbox.process(recorded));
    if (toMarkRead.length > 0) core.defer(c, () => markRead(toMarkRead));
    const otherStatuses = statuses.filter((s) => s.status !== 'failed');
    if (otherStatuses.length > 0) core.defer(c, () => noteStatuses(otherStatuses));

    log.info('whatsapp.webhook', {
      messages: inbound.length,
      recorded: recorded.length,
      statuses: statuses.length,
      skipped,
      people: new Set(inbound.map((m) => m.personKey)).size,
    });
    return c.json({ ok: true }, 200);
  });

  /**
   * `markFailedByExternalId` is idempotent, so it runs on every delivery of a failed status — also on
   * Meta's retries after a 500 — and `firstSeen` only keeps duplicates out of the logs.
   */
  async function applyFailedStatus(status: WhatsAppStatus) {
    const reason = describeWebhookErrors(status.errors);
    // Outside the 24-hour window (often reported only after Meta accepted the message): it waits for
    // the person to write back, like a message held before sending.
    if (status.errors?.some((e) => e.code === REENGAGEMENT_CODE)) {
      await core.outbox.holdByExternalId('whatsapp', status.id, reason);
      return;
    }
    await core.outbox.markFailedByExternalId('whatsapp', status.id, reason);
    if (await core.firstSeen('whatsapp', `status:${status.id}:failed`)) {
      // A wamid carries the recipient's number (base64): only its hash is logged.
      log.warn('whatsapp.message_failed', { message: log.hash(status.id), reason });
    }
  }

  /** Delivered/read statuses change nothing; they are deduplicated and counted, after the answer. */
  async function noteStatuses(list: WhatsAppStatus[]) {
    let fresh = 0;
    for (const status of list) {
      try {
        if (await core.firstSeen('whatsapp', `status:${status.id}:${status.status}`)) fresh += 1;
      } catch (error) {
        log.warn('whatsapp.status_dedupe_failed', { error: errorKind(error) });
        return;
      }
    }
    log.debug('whatsapp.statuses', { received: list.length, fresh });
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
    name: 'whatsapp',
    routes,
    sender: createWhatsAppSender(client, config, {
      ...(options.now ? { now: options.now } : {}),
      ...(options.listWords ? { listWords: options.listWords } : {}),
    }),
  };
}

/** An error's class and database code, without its message. */
function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}

/** Compares two strings without an early exit on the first difference. */
function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
