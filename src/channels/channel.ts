import type { Context, Hono } from 'hono';
import type { ChannelName, InboundMessage } from '../conversation/messages.js';
import type { Logger } from '../logger.js';
import type { ChannelSender } from '../outbox/sender.js';

/**
 * What the core offers a channel adapter. A channel verifies its webhook, turns the payload into
 * neutral `InboundMessage`s, records them, answers the platform at once and processes after.
 */
export interface ChannelCore {
  inbox: {
    /**
     * Records inbound messages, unique per channel and external id. Returns the ids of the events
     * that were new; a duplicate (webhook retry) is skipped and counted.
     */
    record(messages: InboundMessage[]): Promise<{ recorded: number[]; duplicates: number }>;
    /**
     * Runs the engine for recorded events, each in its own transaction (state, transcript, outbox), in
     * order per person, then delivers the outbox rows it wrote. Never throws: a failure leaves the event
     * recorded for the sweep to retry.
     */
    process(eventIds: number[]): Promise<void>;
  };
  people: {
    /** The person blocked the bot or left: nothing more is sent (their pending outbox rows fail). */
    markUnreachable(channel: ChannelName, personKey: string, reason: string): Promise<void>;
    /** The person is reachable again (unblocked the bot). */
    markReachable(channel: ChannelName, personKey: string): Promise<void>;
  };
  outbox: {
    /** A platform reported that a message it had accepted failed (WhatsApp status `failed`). */
    markFailedByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
    /** A platform reported, after accepting it, that a message fell outside its window (WhatsApp 131047). */
    holdByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
  };
  /** Dedupe key store for platform events that are not messages (WhatsApp statuses): true if new. */
  firstSeen(channel: ChannelName, externalId: string): Promise<boolean>;
  logger: Logger;
  /**
   * Runs `task` after the response is sent: `executionCtx.waitUntil` on Workers, a tracked promise on
   * Node (drained on shutdown). Use it to answer the webhook first and work after.
   */
  defer(c: Context, task: () => Promise<unknown>): void;
}

/** A channel plugged into the app: its routes and its outbox sender. */
export interface Channel {
  name: ChannelName;
  /** Mounted at `/webhooks/<name>` (the web chat at `/chat`). */
  routes: Hono;
  sender: ChannelSender;
}
