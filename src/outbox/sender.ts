import type { OutboxChannel, OutboxPayload } from '../core/messages.js';

/** One outbox row handed to a channel sender. */
export interface Delivery {
  /** Outbox row id: stable across retries, usable as an idempotency hint. */
  id: number;
  channel: OutboxChannel;
  /** The person's identity on the channel (chat id, BSUID or wa_id, web session id). */
  personKey: string;
  personId: number;
  payload: OutboxPayload;
  /** 1 on the first try. */
  attempt: number;
  /**
   * When the person last wrote to us (WhatsApp's 24-hour window). `null` if never.
   */
  lastInboundAt: Date | null;
  /**
   * Platform ids of the parts of this message already delivered by an earlier attempt (a long text is
   * sent in several parts). A sender starts after them, so a retry never repeats a part.
   */
  deliveredParts: string[];
}

/**
 * What a sender reports for one delivery. The outbox turns it into the row's next state:
 * - `sent`: done (`externalIds` are the platform's message ids of every part, used to match later statuses);
 * - `retry`: a passing failure (5xx, network, throttling); `retryAfterMs` honours the platform's advice;
 *   `throttled`: not a failure at all but the recipient's rate limit (the volunteers' group's 20 posts a
 *   minute): the row waits exactly `retryAfterMs`, and the wait costs it no attempt, so a long queue is
 *   delayed, never given up;
 * - `failed`: permanent; the row keeps `reason` and volunteers see it;
 * - `unreachable`: the person blocked us or left; the row fails and the person is marked unreachable;
 * - `held`: may not be sent now (WhatsApp outside the 24-hour window); the row and every later one for
 *   the person wait until the person writes again. `invite` asks the outbox to send the re-engagement
 *   template, once, through `ChannelSender.sendInvite`.
 */
export type SendOutcome =
  | { status: 'sent'; externalIds: string[] }
  | ({ status: 'retry'; reason: string; retryAfterMs?: number; throttled?: boolean } & PartialProgress)
  | ({ status: 'failed'; reason: string } & PartialProgress)
  | ({ status: 'unreachable'; reason: string } & PartialProgress)
  | ({ status: 'held'; reason: string } & PartialProgress);

/** On an outcome other than `sent`: every part delivered so far, earlier attempts included. */
export interface PartialProgress {
  deliveredParts?: string[];
}

/** The port every channel implements so the outbox can deliver through it. */
export interface ChannelSender {
  readonly channel: OutboxChannel;
  send(delivery: Delivery): Promise<SendOutcome>;
  /**
   * Optional: invite a person outside the platform's messaging window to reply (WhatsApp template).
   * Called by the outbox when a row becomes held; the outcome tells whether the invite went out.
   */
  sendInvite?(delivery: Delivery): Promise<SendOutcome>;
}
