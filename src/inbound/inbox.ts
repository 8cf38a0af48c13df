import type { StepResult } from '../conversation/index.js';
import type { ChannelName, InboundMessage } from '../core/messages.js';
import type { OpenCase } from '../handoff/cases.js';
import type { CaseEventSink } from '../handoff/events.js';
import type { Logger } from '../logger.js';
import type { PersonKey } from '../people/people.js';
import type { Db } from '../storage/database.js';
import { applyBatch } from './apply.js';
import { firstSeen, noteFailedAttempt, peopleWaiting, recordEvents } from './events.js';

/** What the inbox needs from the conversation engine: one pure step, knowing the person's open case. */
export type RunEngine = (state: Record<string, unknown> | null, inbound: InboundMessage, kase: OpenCase | undefined) => StepResult;

export interface InboxOptions {
  db: Db;
  runEngine: RunEngine;
  /** Called once replies are committed: delivery starts (coalesced) right away. */
  deliverSoon: () => Promise<void>;
  /** Told what happens to cases, inside the transaction (the volunteers' group mirrors them). */
  caseEvents?: CaseEventSink;
  logger: Logger;
  now?: () => Date;
  /** Processing attempts before an event is set aside as failed (so it does not block the person). */
  maxAttempts?: number;
  /** People applied together in one transaction at most. */
  batchSize?: number;
  /** Batches in flight at once in this process (each with its own people). */
  concurrency?: number;
  /**
   * Whether calls from different requests may share a batch (Node: yes). On Workers a database
   * connection belongs to the request that opened it, so each call applies its own people, alone.
   */
  shareBatches?: boolean;
}

export interface Inbox {
  /**
   * Records inbound messages, unique per channel and external id, in one statement. Returns the events
   * that were new; a duplicate (webhook retry) is skipped and counted.
   */
  record(messages: InboundMessage[]): Promise<{ recorded: RecordedEvent[]; duplicates: number }>;
  /**
   * Applies the waiting events of these messages' people (engine, state, transcript, outbox, in order
   * per person), then delivers what they wrote. Calls made at about the same time share transactions.
   * Resolves when their people's events are applied; never throws: a failure leaves the events
   * recorded for the sweep to retry.
   */
  process(messages: Pick<InboundMessage, 'channel' | 'personKey'>[]): Promise<void>;
  /** Applies every event still waiting (a crash, a failed attempt): the sweep calls it. */
  processWaiting(limit?: number): Promise<number>;
  /** Stores a dedupe key for a platform event that is not a message; true if it was new. */
  firstSeen(channel: ChannelName, externalId: string): Promise<boolean>;
}

/** A newly recorded event: its id, and whose it is (what `process` needs). */
export interface RecordedEvent {
  id: number;
  channel: ChannelName;
  personKey: string;
}

interface Waiter {
  key: string;
  done: () => void;
}

/**
 * The inbox: record before answering, apply after. Applying is batched: every call to `process` puts
 * its people in a queue, and a few loops take up to `batchSize` people at a time into one transaction
 * (`applyBatch`). Under load, the webhooks of a few milliseconds share one commit; alone, an update is
 * applied at once. A person is never in two batches of this process at once; across processes their
 * row lock keeps the order.
 */
export function createInbox(options: InboxOptions): Inbox {
  const { db, runEngine, deliverSoon, logger } = options;
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 2;
  const shareBatches = options.shareBatches ?? true;
  const caseEvents = options.caseEvents ?? (async () => {});

  const queued = new Map<string, PersonKey>();
  const inFlight = new Set<string>();
  const waiters: Waiter[] = [];
  let loops = 0;
  /** Loops that will take a batch but have not yet (each serves at least one queued person). */
  let waiting = 0;

  const keyOf = (k: PersonKey) => `${k.channel}\u0000${k.externalKey}`;

  function kick() {
    // A loop started here takes its batch a moment later (see loop): count those not yet served, so
    // one queued person does not start two loops, one of them for an empty transaction.
    while (loops < concurrency && takeable() > waiting) {
      loops++;
      void loop().finally(() => {
        loops--;
        // A person skipped because they were in flight may be waiting still.
        if (takeable() > 0) kick();
      });
    }
  }

  function takeable(): number {
    let n = 0;
    for (const key of queued.keys()) if (!inFlight.has(key)) n++;
    return n;
  }

  /** Takes up to a batch of the people queued and not in flight, marking them in flight. */
  function take(): PersonKey[] {
    const batch: PersonKey[] = [];
    for (const [key, person] of queued) {
      if (inFlight.has(key)) continue;
      queued.delete(key);
      inFlight.add(key);
      batch.push(person);
      if (batch.length >= batchSize) break;
    }
    return batch;
  }

  async function loop(): Promise<void> {
    for (;;) {
      waiting++;
      let took = false;
      const takeNow = () => {
        if (!took) waiting--;
        took = true;
        return take();
      };
      let batch: PersonKey[] = [];
      try {
        // Let the webhooks waiting on the event loop be read and recorded first, so their people join
        // this batch. PGlite runs in this thread: while a batch is applied no request is even read,
        // and without this turn each batch would hold the one person recorded since the last.
        await new Promise((resolve) => setImmediate(resolve));
        if (takeable() === 0) return;
        // The batch is taken once the transaction has its connection, not before: the people recorded
        // while it waited for one join it. On PGlite (one connection for everything) taking it earlier
        // made each batch one person long, every transaction alternating with one webhook's insert.
        await applyOrIsolate(() => (batch = takeNow()));
      } finally {
        if (!took) waiting--;
        for (const person of batch) inFlight.delete(keyOf(person));
      }
      if (batch.length === 0) continue;
      const keys = new Set(batch.map(keyOf));
      // Committed: the replies go out while the next batch is applied; the callers learn it is done
      // once their replies were handed to the platforms (the web chat reads them right after).
      void deliverSoon()
        .catch((error: unknown) => logger.error('outbox.deliver_failed', { error }))
        .finally(() => release(keys));
    }
  }

  /** Resolves the callers whose people are all applied (not queued again, not in flight). */
  function release(settled: Set<string>) {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (settled.has(waiter.key) && !queued.has(waiter.key) && !inFlight.has(waiter.key)) {
        waiters.splice(i, 1);
        waiter.done();
      }
    }
  }

  /**
   * One transaction for the whole batch. If it fails (a database error), each person is tried alone,
   * so one poisoned update costs only its own person an attempt, never everybody else's answer.
   */
  async function applyOrIsolate(people: PersonKey[] | (() => PersonKey[])): Promise<void> {
    let batch = typeof people === 'function' ? [] : people;
    try {
      await applyInTransaction(() => (batch = typeof people === 'function' ? people() : people));
      return;
    } catch (error) {
      // The transaction failed before it took anyone (the database is away): take them now, so they
      // leave the queue as failed attempts (the sweep comes back to them) instead of being retried at once.
      if (batch.length === 0 && typeof people === 'function') batch = people();
      if (batch.length === 0) return;
      if (batch.length === 1) return noteFailure(batch[0]!, error);
      logger.warn('inbox.batch_failed', { people: batch.length, error });
    }
    for (const person of batch) {
      try {
        await applyInTransaction(() => [person]);
      } catch (error) {
        await noteFailure(person, error);
      }
    }
  }

  /** Applies the batch `people()` returns, called once the transaction holds its connection. */
  async function applyInTransaction(people: () => PersonKey[]): Promise<void> {
    const outcome = await db.transaction(async (tx) => {
      const batch = people();
      return batch.length === 0 ? { failed: [] } : applyBatch(tx, batch, runEngine, now(), maxAttempts, caseEvents);
    });
    for (const failure of outcome.failed) {
      logger.error('inbox.engine_failed', { eventId: failure.eventId, person: logger.hash(failure.personKey), error: failure.error });
    }
  }

  async function noteFailure(person: PersonKey, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      const noted = await noteFailedAttempt(db, person.channel, person.externalKey, reason, maxAttempts);
      if (noted) {
        logger.error('inbox.process_failed', {
          channel: person.channel,
          person: logger.hash(person.externalKey),
          eventId: noted.id,
          attempts: noted.attempts,
          error,
        });
      }
    } catch (noteError) {
      // The database is away: the sweep comes back to these events.
      logger.error('inbox.process_failed', { channel: person.channel, person: logger.hash(person.externalKey), error: noteError });
    }
  }

  function schedule(people: PersonKey[]): Promise<void> {
    const keys = [...new Set(people.map(keyOf))];
    if (keys.length === 0) return Promise.resolve();
    if (!shareBatches) {
      const unique = keys.map((key) => people.find((p) => keyOf(p) === key)!);
      return (async () => {
        for (let i = 0; i < unique.length; i += batchSize) await applyOrIsolate(unique.slice(i, i + batchSize));
        await deliverSoon().catch((error: unknown) => logger.error('outbox.deliver_failed', { error }));
      })();
    }
    for (const person of people) queued.set(keyOf(person), person);
    const done = Promise.all(keys.map((key) => new Promise<void>((resolve) => waiters.push({ key, done: resolve }))));
    kick();
    return done.then(() => undefined);
  }

  return {
    async record(batch) {
      const recorded = await recordEvents(db, batch);
      const duplicates = batch.length - recorded.length;
      if (duplicates > 0) logger.info('inbox.duplicates', { channel: batch[0]!.channel, duplicates });
      return { recorded, duplicates };
    },

    process(messages) {
      return schedule(messages.map((m) => ({ channel: m.channel, externalKey: m.personKey })));
    },

    async processWaiting(limit = 500) {
      const keys = await peopleWaiting(db, { limit });
      await schedule(keys.map((k) => ({ channel: k.channel, externalKey: k.personKey })));
      return keys.length;
    },

    firstSeen: (channel, externalId) => firstSeen(db, channel, externalId, now()),
  };
}
