import type { StepResult } from '../conversation/index.js';
import { describeInbound, type ChannelName, type InboundMessage } from '../core/messages.js';
import { eraseCasesOf, requestHandoff } from '../handoff/cases.js';
import type { Logger } from '../logger.js';
import { countEvents, type CountIncrement } from '../observatory/counts.js';
import { enqueueOutbound, eraseOutboxOf, releaseHeld } from '../outbox/rows.js';
import { lockPerson, notePersonWrote } from '../people/people.js';
import type { Db } from '../storage/database.js';
import { appendTranscript, eraseTranscript, type TranscriptEntry } from '../transcript/transcript.js';
import { openConversation, saveState } from './conversations.js';
import {
  firstSeen,
  forgetEventsOf,
  markApplied,
  noteFailedAttempt,
  oldestWaiting,
  peopleWaiting,
  recordEvents,
  setAside,
} from './events.js';

/** What the inbox needs from the conversation engine: one pure step. */
export type RunEngine = (state: Record<string, unknown> | null, inbound: InboundMessage) => StepResult;

export interface InboxOptions {
  db: Db;
  runEngine: RunEngine;
  /** Called once replies are committed: delivery starts (coalesced) right away. */
  deliverSoon: () => Promise<void>;
  logger: Logger;
  now?: () => Date;
  /** Processing attempts before an event is set aside as failed (so it does not block the person). */
  maxAttempts?: number;
}

export interface Inbox {
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
  /** Processes every event still waiting (a crash, a failed attempt): the sweep calls it. */
  processWaiting(limit?: number): Promise<number>;
  /** Stores a dedupe key for a platform event that is not a message; true if it was new. */
  firstSeen(channel: ChannelName, externalId: string): Promise<boolean>;
}

export function createInbox(options: InboxOptions): Inbox {
  const { db, runEngine, deliverSoon, logger } = options;
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;

  /**
   * Applies the person's oldest waiting event, in one transaction. Every processor takes the person's
   * row lock first and only then picks the oldest event, so two updates for one person never
   * interleave and are applied in the order they were received.
   * Returns true when the person has more waiting (come round again).
   */
  async function applyNext(channel: ChannelName, personKey: string): Promise<boolean> {
    return db.transaction(async (tx) => {
      const at = now();
      const person = await lockPerson(tx, channel, personKey);
      const [event, next] = await oldestWaiting(tx, channel, personKey);
      if (!event) return false;
      if (!event.payload) {
        await setAside(tx, event.id, 'no payload');
        return true;
      }
      const inbound: InboundMessage = { ...event.payload, receivedAt: new Date(event.payload.receivedAt) };
      const conversation = await openConversation(tx, person.id, at);

      const isNew = Object.keys(conversation.state).length === 0;
      const result = runEngine(isNew ? null : conversation.state, inbound);

      if (result.erase) {
        await eraseTranscript(tx, conversation.id);
        await eraseCasesOf(tx, person.id);
        await eraseOutboxOf(tx, person.id);
        await forgetEventsOf(tx, channel, personKey, event.id);
      }

      // The transcript: what the person said (unless they just erased it) and what the bot answered.
      const transcript: TranscriptEntry[] = result.erase
        ? []
        : [{ author: 'person', text: describeInbound(inbound), meta: { kind: inbound.body.kind } }];
      for (const m of result.outbound) {
        transcript.push({ author: 'bot', text: m.text, meta: m.kind === 'choices' ? { choices: m.choices.map((c) => c.id) } : null });
      }
      await appendTranscript(tx, conversation.id, transcript);
      await enqueueOutbound(
        tx,
        person.id,
        channel,
        result.outbound.map((message) => ({ message, locale: result.locale, direction: result.direction })),
        at,
      );

      const counts: CountIncrement[] = [{ metric: 'message.in', channel, locale: result.locale }];
      if (isNew) counts.push({ metric: 'conversation.started', channel, locale: result.locale });
      if (result.handoff) {
        await requestHandoff(tx, { personId: person.id, ...result.handoff, locale: result.locale });
        counts.push({ metric: result.handoff.urgent ? 'handoff.urgent' : 'handoff', channel, locale: result.locale });
      }

      await saveState(tx, conversation.id, result.state, at);
      await notePersonWrote(tx, person.id, { locale: result.erase ? null : result.locale, wroteAt: inbound.receivedAt });
      // The person wrote: a platform window (WhatsApp's 24 hours) is open again.
      await releaseHeld(tx, person.id, at);
      await markApplied(tx, event.id, at);
      await countEvents(tx, at, counts);
      return next !== undefined;
    });
  }

  async function noteFailure(channel: ChannelName, personKey: string, error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    const noted = await noteFailedAttempt(db, channel, personKey, reason, maxAttempts);
    if (!noted) return;
    logger.error('inbox.process_failed', { channel, person: logger.hash(personKey), eventId: noted.id, attempts: noted.attempts, error });
  }

  async function processPerson(channel: ChannelName, personKey: string): Promise<void> {
    // Bounded: a person who keeps writing is served by the next call too.
    for (let i = 0; i < 100; i++) {
      try {
        if (!(await applyNext(channel, personKey))) return;
      } catch (error) {
        await noteFailure(channel, personKey, error).catch(() => {});
        return;
      }
    }
  }

  async function processPeople(keys: { channel: ChannelName; personKey: string }[]) {
    const unique = new Map(keys.map((k) => [`${k.channel}\u0000${k.personKey}`, k]));
    await Promise.all([...unique.values()].map((k) => processPerson(k.channel, k.personKey)));
    try {
      await deliverSoon();
    } catch (error) {
      // Delivery is retried by the sweep; the replies are safely committed.
      logger.error('outbox.deliver_failed', { error });
    }
  }

  return {
    async record(batch) {
      const recorded = await recordEvents(db, batch);
      const duplicates = batch.length - recorded.length;
      if (duplicates > 0) logger.info('inbox.duplicates', { channel: batch[0]!.channel, duplicates });
      return { recorded, duplicates };
    },

    async process(eventIds) {
      if (eventIds.length === 0) return;
      try {
        await processPeople(await peopleWaiting(db, { eventIds }));
      } catch (error) {
        // Never throw to the caller (it has already answered the platform): the sweep retries.
        logger.error('inbox.process_error', { error });
      }
    },

    async processWaiting(limit = 500) {
      const keys = await peopleWaiting(db, { limit });
      await processPeople(keys);
      return keys.length;
    },

    firstSeen: (channel, externalId) => firstSeen(db, channel, externalId, now()),
  };
}

