import type { Context, Handler } from 'hono';
import type { ChannelName, InboundMessage } from '../core/messages.js';
import type { ChannelCore } from './channel.js';

/**
 * The one webhook pipeline every platform goes through: verify, parse, convert, record, answer, then
 * work. A channel supplies only what is specific to its platform (a `WebhookAdapter`); the order of
 * the steps, and what each failure answers, live here.
 *
 *   forged (bad secret or signature)  → 401, nothing read further, nothing stored
 *   malformed (not JSON, wrong shape) → 400 with the reason, nothing stored
 *   cannot be recorded (database)     → 503, so the platform sends it again; nothing is lost
 *   recorded                          → 200 at once; processing and chores run after the answer
 */

/** What a verified, parsed webhook asks of Relais. */
export interface Received {
  /** Messages from people: recorded before answering, processed after. */
  messages: InboundMessage[];
  /**
   * Other durable effects (a delivery failure a platform reports, a person blocking the bot): applied
   * before answering, since the platform will not send them again once it has its 200.
   */
  before?: Array<() => Promise<unknown>>;
  /**
   * Best-effort chores after answering (answer a button tap, mark as read), given how many of the
   * messages were new: a retried duplicate was handled the first time.
   */
  after?: (outcome: { newMessages: number }) => Array<() => Promise<unknown>>;
}

export type Parsed<T> = { ok: true; payload: T } | { ok: false; reason: string };

/** The platform-specific half of a webhook. */
export interface WebhookAdapter<Payload> {
  readonly channel: ChannelName;
  /** True when the request comes from the platform (a secret header, a signature over the raw body). */
  verify(raw: Uint8Array, header: (name: string) => string | undefined): boolean | Promise<boolean>;
  /** The verified body as the platform's payload, or why it is not one. */
  parse(raw: Uint8Array): Parsed<Payload>;
  /** What the payload means for Relais. Pure conversion, or a lookup at most. */
  receive(payload: Payload): Received | Promise<Received>;
}

/** Records what must be recorded; returns the work left for after the answer. Throws if the database fails. */
export async function recordReceived(core: ChannelCore, received: Received): Promise<() => Promise<void>> {
  const { recorded } = received.messages.length > 0 ? await core.inbox.record(received.messages) : { recorded: [] };
  for (const effect of received.before ?? []) await effect();
  const chores = received.after?.({ newMessages: recorded.length }) ?? [];
  return async () => {
    // Processing and chores side by side: a slow chore never delays an answer to the person.
    await Promise.allSettled([...chores.map((chore) => chore()), recorded.length > 0 ? core.inbox.process(recorded) : undefined]);
  };
}

/** The Hono handler for `POST /webhooks/<channel>`. */
export function webhookHandler<Payload>(adapter: WebhookAdapter<Payload>, core: ChannelCore): Handler {
  const log = core.logger.child({ channel: adapter.channel });
  return async function receiveWebhook(c: Context) {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!(await adapter.verify(raw, (name) => c.req.header(name)))) {
      log.warn('webhook.refused', { reason: 'verification failed' });
      return c.json({ error: 'the request could not be verified as coming from the platform' }, 401);
    }
    const parsed = adapter.parse(raw);
    if (!parsed.ok) {
      log.warn('webhook.malformed', { reason: parsed.reason });
      return c.json({ error: 'malformed webhook', reason: parsed.reason }, 400);
    }
    let work: () => Promise<void>;
    try {
      work = await recordReceived(core, await adapter.receive(parsed.payload));
    } catch (error) {
      // Nothing half-done matters: what was recorded is deduplicated when the platform sends it again.
      log.error('webhook.record_failed', { error: errorKind(error) });
      return c.json({ error: 'the update could not be recorded; retry later' }, 503);
    }
    // Answer first, work after: platforms wait for this answer (Telegram holds the chat's next update
    // back until then; Meta retries what takes more than a few seconds).
    core.defer(c, work);
    return c.json({ ok: true }, 200);
  };
}

/** The body as JSON, or why not: the parse step most adapters start with. */
export function parseJson(raw: Uint8Array): Parsed<unknown> {
  try {
    return { ok: true, payload: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) };
  } catch {
    return { ok: false, reason: 'the body is not UTF-8 JSON' };
  }
}

/** An error's class and database code, without its message (a failed query's message can quote texts and numbers). */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}
