import type { Context, Hono } from 'hono';
import type { ChannelName, InboundMessage } from '../core/messages.js';
import type { CaseEventSink } from '../handoff/events.js';
import type { Inbox } from '../inbound/inbox.js';
import type { Logger } from '../logger.js';
import type { ChannelSender } from '../outbox/sender.js';

/**
 * What the core offers a channel adapter. A channel verifies its webhook, turns the payload into
 * neutral `InboundMessage`s, records them, answers the platform at once and processes after (the
 * shared pipeline in `webhook.ts` does the order).
 */
export interface ChannelCore {
  inbox: Pick<Inbox, 'record' | 'process' | 'firstSeen'>;
  people: {
    /** The person blocked the bot or left (`reason`), or came back (`null`): nothing is sent while unreachable. */
    setReachability(channel: ChannelName, personKey: string, reason: string | null): Promise<void>;
  };
  outbox: {
    /** A platform reported that a message it had accepted failed (WhatsApp status `failed`). */
    markFailedByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
    /** The platform said messages reached the person's phone or were read (WhatsApp statuses). */
    noteReceipts(channel: ChannelName, receipts: { externalId: string; status: 'delivered' | 'read'; at: Date }[]): Promise<void>;
    /** A platform reported, after accepting it, that a message cannot reach the person (WhatsApp 131026). */
    markUnreachableByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
    /** A platform reported, after accepting it, that a message fell outside its window (WhatsApp 131047). */
    holdByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
  };
  logger: Logger;
  /**
   * Runs `task` after the response is sent: `executionCtx.waitUntil` on Workers, a tracked promise on
   * Node (drained on shutdown). Use it to answer the webhook first and work after.
   */
  defer(c: Context, task: () => Promise<unknown>): void;
}

/** A channel plugged into the app: its routes, where they are mounted, and its outbox sender. */
export interface Channel {
  name: ChannelName;
  /** `/webhooks/<name>` for platforms, `/chat` for the local web chat. */
  mount: string;
  routes: Hono;
  sender: ChannelSender;
  /** A channel that mirrors cases elsewhere (Telegram's volunteers' group) is told what happens to them. */
  caseEvents?: CaseEventSink;
  /** Other outbox recipients it delivers to (Telegram: the volunteers' group). */
  moreSenders?: ChannelSender[];
  /** Periodic work for the sweep. */
  sweep?: () => Promise<unknown>;
}

/** What a platform's `toInbound` makes of one update: a person's message, or why it is not one. */
export type ToInboundResult = { status: 'message'; message: InboundMessage } | { status: 'skipped'; reason: string };
