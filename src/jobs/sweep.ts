import { availability } from '../config/office-hours.js';
import type { OfficeHours } from '../config/office-hours.js';
import type { Inbox } from '../inbound/inbox.js';
import type { Logger } from '../logger.js';
import type { Handoff } from '../handoff/service.js';
import type { DeliveryReport, Outbox } from '../outbox/outbox.js';
import { purgeExpired, type PurgeReport } from '../privacy/retention.js';
import type { Db } from '../storage/database.js';

export interface SweepReport {
  inboundPeople: number;
  delivery: DeliveryReport;
  /** Claimed cases given back to the queue after their volunteer's silence. */
  released: number[];
  /** Open cases announced again to volunteers because nobody has taken them. */
  reminded: number[];
  /** Present when this sweep also purged expired data (at most once an hour per instance). */
  purged?: PurgeReport;
}

export interface SweepDeps {
  db: Db;
  inbox: Inbox;
  outbox: Outbox;
  handoff: Pick<Handoff, 'autoRelease' | 'remindWaiting'>;
  logger: Logger;
  retentionDays: number;
  autoReleaseMs: number;
  /** An open case nobody has taken is announced again after this long (and again after as long). */
  remindMs: number;
  /** Outside office hours only urgent cases are announced again. */
  officeHours: OfficeHours;
  /** Other periodic chores (the volunteers' group checks whether the bot may post again). */
  chores?: Array<() => Promise<unknown>>;
  now: () => Date;
}

const PURGE_EVERY_MS = 3_600_000;

/**
 * The periodic work (an interval on Node, a Cron Trigger on Workers): events left unprocessed (a
 * crash, a failed attempt), due or expired outbox rows, cases to give back or to announce again, and
 * once an hour the retention purge.
 */
export function createSweep(deps: SweepDeps): () => Promise<SweepReport> {
  const { db, inbox, outbox, handoff, logger, retentionDays, autoReleaseMs, remindMs, now } = deps;
  let lastPurge = 0;
  return async function sweep() {
    const inboundPeople = await inbox.processWaiting();
    for (const chore of deps.chores ?? []) await chore().catch((error: unknown) => logger.error('sweep.chore_failed', { error }));
    const released = await handoff.autoRelease(autoReleaseMs);
    if (released.length > 0) logger.info('handoff.auto_released', { cases: released });
    const reminded = await handoff.remindWaiting(remindMs, { urgentOnly: !availability(deps.officeHours, now()).open });
    if (reminded.length > 0) logger.info('handoff.reminded', { cases: reminded });
    // Last, so what the steps above queued (a release or a reminder posted to the group) goes now.
    const delivery = await outbox.deliver();
    const at = now();
    if (at.getTime() - lastPurge < PURGE_EVERY_MS) return { inboundPeople, delivery, released, reminded };
    lastPurge = at.getTime();
    const purged = await purgeExpired(db, at, retentionDays);
    if (purged.people + purged.closedCases + purged.inboundEvents > 0) logger.info('retention.purged', { ...purged });
    return { inboundPeople, delivery, released, reminded, purged };
  };
}
