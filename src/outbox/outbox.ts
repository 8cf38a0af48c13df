import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { ChannelName, OutboxChannel } from '../core/messages.js';
import type { Logger } from '../logger.js';
import type { Db } from '../storage/database.js';
import { invitationState, noteInvited, setReachability } from '../people/people.js';
import { outbox, people, type OutboxStatus } from '../storage/schema.js';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.js';
import { claimDue, settleAll, type Claimed, type Settlement } from './claim.js';
import type { ChannelSender, Delivery, SendOutcome } from './sender.js';

export interface OutboxOptions {
  db: Db;
  senders: ReadonlyMap<OutboxChannel, ChannelSender>;
  logger: Logger;
  /** Attempts before a row is given up and kept as failed. */
  maxAttempts: number;
  /** How long a claim lasts; a sender that died mid-send is retried after it. */
  leaseMs?: number;
  /** People claimed per round (each with the due rows after their head). */
  batchSize?: number;
  /**
   * Rounds in flight at once. A round waits for its slowest send (a platform that hangs until the
   * client's timeout), so the next round starts without waiting for it: one slow person never holds
   * everybody else's replies.
   */
  concurrentRounds?: number;
  backoff?: BackoffPolicy;
  now?: () => Date;
  random?: () => number;
  /** Told when a message did not go (failed for good, or held for the person's window). */
  onUndelivered?: (undelivered: Undelivered[]) => Promise<void>;
}

/** A message that did not reach its person, for whoever should know (the volunteer on their case). */
export interface Undelivered {
  personId: number;
  outboxId: number;
  state: 'failed' | 'held';
  reason: string;
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
   * The platform said messages reached the person's phone, or were read (WhatsApp statuses): kept on
   * their rows for the volunteer who wrote them. Idempotent: the first time of each stays.
   */
  noteReceipts(channel: ChannelName, receipts: { externalId: string; status: 'delivered' | 'read'; at: Date }[]): Promise<void>;
  /**
   * A platform reported, after accepting it, that a message cannot reach the person (WhatsApp 131026):
   * the row fails, and the person is unreachable until they write again.
   */
  markUnreachableByExternalId(channel: ChannelName, externalId: string, reason: string): Promise<void>;
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

/** Pauses between tries to settle a round the database refused: about eight seconds in all. */
const SETTLE_RETRY_MS = [100, 250, 500, 1_000, 2_000, 4_000];

/** Creates the durable outbox over the `outbox` table. */
export function createOutbox(options: OutboxOptions): Outbox {
  const { db, senders, logger, maxAttempts } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 50;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const concurrentRounds = options.concurrentRounds ?? 4;
  let running: Promise<void> | undefined;
  let again = false;
  /** Wakes a delivery waiting on slow rounds: rows were just committed. */
  let wake: (() => void) | undefined;

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

  /**
   * One round: claim (one statement), send — each person's rows one after the other, people side by
   * side —, then settle every row in one statement. A row that did not go stops its person's round:
   * the rows after it are given back untried, so a person's messages never overtake each other.
   */
  async function round(claimed: Claimed[], report: DeliveryReport): Promise<void> {
    const byPerson = new Map<number, Claimed[]>();
    for (const row of claimed) byPerson.set(row.personId, [...(byPerson.get(row.personId) ?? []), row]);

    const settlements: Settlement[] = [];
    const afterwards: Array<() => Promise<void>> = [];
    const undelivered: Undelivered[] = [];
    await Promise.all(
      [...byPerson.values()].map(async (rows) => {
        for (let i = 0; i < rows.length; i++) {
          const delivery = rows[i]!;
          const outcome = await send(delivery);
          const went = settle(delivery, outcome, report, settlements, afterwards);
          const gaveUp = outcome.status === 'retry' && !outcome.throttled && delivery.attempt >= maxAttempts;
          if (outcome.status === 'failed' || outcome.status === 'unreachable' || outcome.status === 'held' || gaveUp) {
            undelivered.push({ personId: delivery.personId, outboxId: delivery.id, state: outcome.status === 'held' ? 'held' : 'failed', reason: outcome.reason });
          }
          if (went) continue;
          for (const untried of rows.slice(i + 1)) settlements.push({ id: untried.id, status: 'pending', untried: true });
          return;
        }
      }),
    );
    await settleRound(settlements, claimed[0]!.leaseUntil);
    // Holding and unreachable people touch several rows: after the round's own rows are settled.
    for (const task of afterwards) await task();
    if (undelivered.length > 0 && options.onUndelivered) {
      await options.onUndelivered(undelivered).catch((error: unknown) => logger.error('outbox.undelivered_hook_failed', { error }));
    }
  }

  /**
   * Settles a round, trying again for a few seconds when the database cannot be reached: the sends
   * have happened, and a row left unsettled is sent again when its lease ends — the person would get
   * it twice. The statement only touches rows still leased to this round, so a second try after a
   * first that did commit changes nothing. A database away for longer than this leaves the duplicate
   * possible (delivery is at least once when a platform's answer cannot be recorded).
   */
  async function settleRound(settlements: Settlement[], lease: Date): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await settleAll(db, settlements, lease, now());
      } catch (error) {
        const delay = SETTLE_RETRY_MS[attempt];
        if (delay === undefined || now().getTime() + delay >= lease.getTime()) throw error;
        logger.warn('outbox.settle_retry', { attempt: attempt + 1, rows: settlements.length, error });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Claims and sends until nothing is due, with up to `concurrentRounds` rounds in flight. When
   * nothing is due but rounds are still sending, it waits for one to end (its people's next rows may
   * then be due) or for new rows to be committed (`wake`).
   */
  async function drain(report: DeliveryReport, maxRounds: number): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let claims = 0;
    while (claims < maxRounds) {
      while (inFlight.size >= concurrentRounds) await Promise.race(inFlight);
      again = false;
      const claimed = await claimDue(db, now(), leaseMs, batchSize, batchSize * 4);
      claims++;
      if (claimed.length > 0) {
        const started: Promise<void> = round(claimed, report)
          .catch((error: unknown) => logger.error('outbox.round_failed', { error }))
          .finally(() => inFlight.delete(started));
        inFlight.add(started);
        // A full round may have left people behind: claim again at once. Otherwise everything due was
        // taken; wait below for a round to end or for new rows.
        if (new Set(claimed.map((c) => c.personId)).size >= batchSize) continue;
      } else if (inFlight.size === 0) break;
      if (again) continue;
      await Promise.race([...inFlight, new Promise<void>((resolve) => (wake = resolve))]);
      wake = undefined;
    }
    await Promise.all(inFlight);
  }

  /**
   * What one outcome does to its row: a settlement for the round's single statement, or (a person to
   * hold or mark unreachable) a task for afterwards. Returns true when the row went out.
   */
  function settle(
    delivery: Claimed,
    outcome: SendOutcome,
    report: DeliveryReport,
    settlements: Settlement[],
    afterwards: Array<() => Promise<void>>,
  ): boolean {
    const log = () => logger.child({ outboxId: delivery.id, channel: delivery.channel, person: logger.hash(delivery.personKey) });
    // Part of a long message went out: remember it, so that no attempt sends those parts again.
    const progress =
      outcome.status !== 'sent' && outcome.deliveredParts && outcome.deliveredParts.length > delivery.deliveredParts.length
        ? { externalIds: outcome.deliveredParts }
        : {};
    switch (outcome.status) {
      case 'sent':
        report.sent++;
        settlements.push({ id: delivery.id, status: 'sent', externalIds: outcome.externalIds, lastError: null });
        if (logger.enabled('debug')) log().debug('outbox.sent', { attempt: delivery.attempt });
        return true;
      case 'retry': {
        if (outcome.throttled) {
          // Waiting its turn is not a failed attempt: the attempt is given back, the wait is exact.
          report.retried++;
          settlements.push({
            id: delivery.id,
            status: 'pending',
            untried: true,
            lastError: outcome.reason,
            nextAttemptAt: new Date(now().getTime() + (outcome.retryAfterMs ?? 0)),
            ...progress,
          });
          if (logger.enabled('debug')) log().debug('outbox.throttled', { delayMs: outcome.retryAfterMs ?? 0 });
          return false;
        }
        if (delivery.attempt >= maxAttempts) {
          report.failed++;
          settlements.push({ id: delivery.id, status: 'failed', lastError: `gave up after ${delivery.attempt} attempts: ${outcome.reason}`, ...progress });
          log().warn('outbox.gave_up', { attempt: delivery.attempt, reason: outcome.reason });
          return false;
        }
        report.retried++;
        const delay = retryDelayMs(delivery.attempt, outcome.retryAfterMs, backoff, random);
        settlements.push({
          id: delivery.id,
          status: 'pending',
          lastError: outcome.reason,
          nextAttemptAt: new Date(now().getTime() + delay),
          ...progress,
        });
        log().info('outbox.retry', { attempt: delivery.attempt, delayMs: delay, reason: outcome.reason });
        return false;
      }
      case 'failed':
        report.failed++;
        settlements.push({ id: delivery.id, status: 'failed', lastError: outcome.reason, ...progress });
        log().warn('outbox.failed', { reason: outcome.reason });
        return false;
      case 'unreachable':
        report.failed++;
        afterwards.push(async () => {
          await db.transaction(async (tx) => {
            await setReachability(tx, { personId: delivery.personId }, outcome.reason, now());
            await tx
              .update(outbox)
              .set({ status: 'failed', leaseUntil: null, lastError: `unreachable: ${outcome.reason}`, ...progress })
              .where(and(eq(outbox.personId, delivery.personId), inArray(outbox.status, [...OPEN])));
          });
          log().warn('outbox.unreachable', { reason: outcome.reason });
        });
        return false;
      case 'held':
        report.held++;
        afterwards.push(async () => {
          if (progress.externalIds) await db.update(outbox).set(progress).where(eq(outbox.id, delivery.id));
          await hold(delivery, outcome.reason, log());
        });
        return false;
      default: {
        // A new kind of outcome must be handled above before it compiles.
        const unhandled: never = outcome;
        throw new Error(`unhandled send outcome ${JSON.stringify(unhandled)}`);
      }
    }
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
      await drain(report, maxRounds);
      return report;
    },

    deliverSoon() {
      again = true;
      wake?.();
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

    async noteReceipts(channel, receipts) {
      if (receipts.length === 0) return;
      const rows = JSON.stringify(receipts.map((r) => ({ id: r.externalId, status: r.status, at: r.at.toISOString() })));
      // A read message was delivered too, even when its "delivered" status comes later or never.
      await db.execute(sql`
        update ${outbox} set
          delivered_at = coalesce(${outbox.deliveredAt}, v.at),
          read_at = case when v.status = 'read' then coalesce(${outbox.readAt}, v.at) else ${outbox.readAt} end
        from jsonb_to_recordset(${rows}::jsonb) as v(id text, status text, at timestamptz)
        where ${outbox.channel} = ${channel} and ${outbox.externalIds} @> jsonb_build_array(v.id)`);
    },

    async markUnreachableByExternalId(channel, externalId, reason) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .select({ id: outbox.id, personId: outbox.personId })
          .from(outbox)
          .where(and(eq(outbox.channel, channel), sql`${outbox.externalIds} @> ${JSON.stringify([externalId])}::jsonb`));
        if (!row) return;
        await setReachability(tx, { personId: row.personId }, reason, now());
        await tx
          .update(outbox)
          .set({ status: 'failed', leaseUntil: null, lastError: `unreachable: ${reason}` })
          .where(or(eq(outbox.id, row.id), and(eq(outbox.personId, row.personId), inArray(outbox.status, [...OPEN]))));
      });
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
