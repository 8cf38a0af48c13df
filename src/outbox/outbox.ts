import { and, asc, eq, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { ChannelName, OutboxPayload } from '../core/messages.js';
import type { Logger } from '../logger.js';
import type { Db, DbOrTx } from '../storage/database.js';
import { invitationState, noteInvited, setReachability } from '../people/people.js';
import { outbox, people, type OutboxStatus } from '../storage/schema.js';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.js';
import type { ChannelSender, Delivery, SendOutcome } from './sender.js';

export interface OutboxOptions {
  db: Db;
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  logger: Logger;
  /** Attempts before a row is given up and kept as failed. */
  maxAttempts: number;
  /** How long a claim lasts; a sender that died mid-send is retried after it. */
  leaseMs?: number;
  /** Rows claimed per round. */
  batchSize?: number;
  backoff?: BackoffPolicy;
  now?: () => Date;
  random?: () => number;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  held: number;
}

export interface Outbox {
  /**
   * Claims due rows (the oldest open row of each person only, so messages to one person keep their
   * order), sends them through the channel's sender and records each outcome. Repeats until nothing is
   * due or `maxRounds` is reached. Safe to run from several processes at once.
   */
  deliver(maxRounds?: number): Promise<DeliveryReport>;
  /**
   * `deliver()`, coalesced: while a delivery runs in this process, further calls do not start another
   * (they would only compete for the same rows) but make it go round once more.
   */
  deliverSoon(): Promise<void>;
  /** A platform reported that a message it had accepted failed. */
  markFailedByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
  /**
   * A platform reported, after accepting it, that a message fell outside its window (WhatsApp 131047):
   * it waits with the person's later messages, and the person is invited to write back.
   */
  holdByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
}

const OPEN = ['pending', 'sending', 'held'] as const;

/** What a delivery needs from its row and its person. */
const DELIVERY_COLUMNS = {
  id: outbox.id,
  channel: outbox.channel,
  payload: outbox.payload,
  attempts: outbox.attempts,
  personId: outbox.personId,
  personKey: people.externalKey,
  lastInboundAt: people.lastInboundAt,
  unreachableAt: people.unreachableAt,
  externalIds: outbox.externalIds,
};

/** Creates the durable outbox over the `outbox` table. */
export function createOutbox(options: OutboxOptions): Outbox {
  const { db, senders, logger, maxAttempts } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 50;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  let running: Promise<void> | undefined;
  let again = false;

  type Claimed = Delivery & { unreachable: boolean };

  async function claim(): Promise<Claimed[]> {
    return db.transaction(async (tx) => {
      const at = now();
      // The head of each person's queue: the oldest row not yet sent or given up.
      const heads = tx
        .selectDistinctOn([outbox.personId], { id: outbox.id })
        .from(outbox)
        .where(inArray(outbox.status, [...OPEN]))
        .orderBy(outbox.personId, outbox.id);
      const rows = await tx
        .select(DELIVERY_COLUMNS)
        .from(outbox)
        .innerJoin(people, eq(people.id, outbox.personId))
        .where(
          and(
            inArray(outbox.id, heads),
            or(
              and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, at)),
              and(eq(outbox.status, 'sending'), isNotNull(outbox.leaseUntil), lte(outbox.leaseUntil, at)),
            ),
          ),
        )
        .orderBy(asc(outbox.id))
        .limit(batchSize)
        .for('update', { of: outbox, skipLocked: true });
      if (rows.length === 0) return [];
      await tx
        .update(outbox)
        .set({
          status: 'sending',
          leaseUntil: new Date(at.getTime() + leaseMs),
          attempts: sql`${outbox.attempts} + 1`,
        })
        .where(
          inArray(
            outbox.id,
            rows.map((r) => r.id),
          ),
        );
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        personKey: r.personKey,
        personId: r.personId,
        payload: r.payload,
        attempt: r.attempts + 1,
        lastInboundAt: r.lastInboundAt,
        deliveredParts: r.externalIds ?? [],
        unreachable: r.unreachableAt !== null,
      }));
    });
  }

  async function send(delivery: Claimed): Promise<SendOutcome> {
    if (delivery.unreachable) return { status: 'failed', reason: 'the person is unreachable (blocked the bot)' };
    const sender = senders.get(delivery.channel);
    if (!sender) return { status: 'retry', reason: `the ${delivery.channel} channel is not configured here` };
    try {
      return await sender.send(delivery);
    } catch (error) {
      // A sender should map its own errors; anything that escapes is treated as passing.
      return { status: 'retry', reason: `sender threw: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Records what happened to one claimed row. */
  async function settle(delivery: Delivery, outcome: SendOutcome, report: DeliveryReport): Promise<void> {
    const log = logger.child({ outboxId: delivery.id, channel: delivery.channel, person: logger.hash(delivery.personKey) });
    const mine = and(eq(outbox.id, delivery.id), eq(outbox.status, 'sending'));
    if (outcome.status !== 'sent' && outcome.deliveredParts && outcome.deliveredParts.length > delivery.deliveredParts.length) {
      // Part of a long message went out: remember it, so that no attempt sends those parts again.
      await db.update(outbox).set({ externalIds: outcome.deliveredParts }).where(mine);
    }
    switch (outcome.status) {
      case 'sent':
        report.sent++;
        await db
          .update(outbox)
          .set({ status: 'sent', sentAt: now(), externalIds: outcome.externalIds, leaseUntil: null, lastError: null })
          .where(mine);
        log.debug('outbox.sent', { attempt: delivery.attempt });
        return;
      case 'retry': {
        if (delivery.attempt >= maxAttempts) {
          report.failed++;
          await fail(delivery.id, `gave up after ${delivery.attempt} attempts: ${outcome.reason}`);
          log.warn('outbox.gave_up', { attempt: delivery.attempt, reason: outcome.reason });
          return;
        }
        report.retried++;
        const delay = retryDelayMs(delivery.attempt, outcome.retryAfterMs, backoff, random);
        await db
          .update(outbox)
          .set({
            status: 'pending',
            leaseUntil: null,
            lastError: outcome.reason,
            nextAttemptAt: new Date(now().getTime() + delay),
          })
          .where(mine);
        log.info('outbox.retry', { attempt: delivery.attempt, delayMs: delay, reason: outcome.reason });
        return;
      }
      case 'failed':
        report.failed++;
        await fail(delivery.id, outcome.reason);
        log.warn('outbox.failed', { reason: outcome.reason });
        return;
      case 'unreachable':
        report.failed++;
        await db.transaction(async (tx) => {
          await setReachability(tx, { personId: delivery.personId }, outcome.reason, now());
          await tx
            .update(outbox)
            .set({ status: 'failed', leaseUntil: null, lastError: `unreachable: ${outcome.reason}` })
            .where(and(eq(outbox.personId, delivery.personId), inArray(outbox.status, [...OPEN])));
        });
        log.warn('outbox.unreachable', { reason: outcome.reason });
        return;
      case 'held':
        report.held++;
        await hold(delivery, outcome.reason, log);
        return;
      default: {
        // A new kind of outcome must be handled above before it compiles.
        const unhandled: never = outcome;
        throw new Error(`unhandled send outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }

  async function fail(id: number, reason: string) {
    await db
      .update(outbox)
      .set({ status: 'failed', leaseUntil: null, lastError: reason })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'sending')));
  }

  /**
   * Outside the platform's window: every open row of the person waits, and the person is invited back
   * once (per time they wrote) through the channel's template, if it has one.
   */
  async function hold(delivery: Delivery, reason: string, log: Logger) {
    const invite = await inviteOnce(delivery, log);
    if (invite.status === 'retry' && delivery.attempt < maxAttempts) {
      // Try the whole thing again later rather than hold without having invited.
      await db
        .update(outbox)
        .set({
          status: 'pending',
          leaseUntil: null,
          lastError: `invite not sent yet: ${invite.reason}`,
          nextAttemptAt: new Date(now().getTime() + retryDelayMs(delivery.attempt, invite.retryAfterMs, backoff, random)),
        })
        .where(and(eq(outbox.id, delivery.id), eq(outbox.status, 'sending')));
      return;
    }
    await markHeld(delivery, invite.status === 'failed' || invite.status === 'retry' ? `${reason}; invitation failed: ${invite.reason}` : reason, ['sending']);
    log.info('outbox.held', { reason });
  }

  /** This row (in one of `from`) and every pending row of the person after it wait for the person. */
  async function markHeld(delivery: Delivery, note: string, from: OutboxStatus[]) {
    await db
      .update(outbox)
      .set({ status: 'held', leaseUntil: null, lastError: note })
      .where(
        and(
          eq(outbox.personId, delivery.personId),
          or(and(eq(outbox.id, delivery.id), inArray(outbox.status, from)), eq(outbox.status, 'pending')),
        ),
      );
  }

  type InviteResult = { status: 'sent' | 'skipped' } | { status: 'failed' | 'retry'; reason: string; retryAfterMs?: number };

  /** Sends the channel's invitation to write back, once per time the person wrote. */
  async function inviteOnce(delivery: Delivery, log: Logger): Promise<InviteResult> {
    const sender = senders.get(delivery.channel);
    if (!sender?.sendInvite) return { status: 'skipped' };
    const person = await invitationState(db, delivery.personId);
    if (person?.invitedAt && (!person.lastInboundAt || person.invitedAt >= person.lastInboundAt)) return { status: 'skipped' };
    const invite = await sender
      .sendInvite(delivery)
      .catch((error: unknown): SendOutcome => ({ status: 'retry', reason: String(error) }));
    switch (invite.status) {
      case 'sent':
        await noteInvited(db, delivery.personId, now());
        log.info('outbox.invited');
        return { status: 'sent' };
      case 'retry':
        return invite;
      default:
        return { status: 'failed', reason: invite.reason };
    }
  }

  const api: Outbox = {
    async deliver(maxRounds = 100) {
      const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, held: 0 };
      for (let round = 0; round < maxRounds; round++) {
        const claimed = await claim();
        if (claimed.length === 0) break;
        // Different people in parallel; one person never has two rows in a round.
        await Promise.all(claimed.map(async (d) => settle(d, await send(d), report)));
      }
      return report;
    },

    deliverSoon() {
      again = true;
      running ??= (async () => {
        try {
          while (again) {
            again = false;
            await api.deliver();
          }
        } finally {
          running = undefined;
        }
      })();
      return running;
    },

    async holdByExternalId(channel, externalId, reason) {
      const [row] = await db
        .select(DELIVERY_COLUMNS)
        .from(outbox)
        .innerJoin(people, eq(people.id, outbox.personId))
        .where(and(eq(outbox.channel, channel), sql`${outbox.externalIds} @> ${JSON.stringify([externalId])}::jsonb`));
      if (!row) return;
      const { unreachableAt: _unreachable, externalIds, ...rest } = row;
      // The parts before the one that failed were delivered; that one and those after it go again.
      const parts = externalIds ?? [];
      const deliveredParts = parts.slice(0, Math.max(0, parts.indexOf(externalId)));
      const delivery: Delivery = { ...rest, attempt: row.attempts, deliveredParts };
      const log = logger.child({ outboxId: row.id, channel, person: logger.hash(row.personKey) });
      // Durable first: the row waits even if the invitation below never goes out.
      await db.update(outbox).set({ externalIds: deliveredParts }).where(eq(outbox.id, row.id));
      await markHeld(delivery, reason, ['sent', 'sending', 'pending']);
      const invite = await inviteOnce(delivery, log);
      if (invite.status === 'failed' || invite.status === 'retry') {
        await db
          .update(outbox)
          .set({ lastError: `${reason}; invitation failed: ${invite.reason}` })
          .where(eq(outbox.id, row.id));
      }
      log.info('outbox.held_after_send', { reason });
    },

    async markFailedByExternalId(channel, externalId, reason) {
      await db
        .update(outbox)
        .set({ status: 'failed', lastError: reason, leaseUntil: null })
        .where(
          and(eq(outbox.channel, channel), sql`${outbox.externalIds} @> ${JSON.stringify([externalId])}::jsonb`),
        );
    },
  };
  return api;
}
