import type { Inbox } from '../inbound/inbox.js';
import type { Logger } from '../logger.js';
import type { DeliveryReport, Outbox } from '../outbox/outbox.js';
import { purgeExpired, type PurgeReport } from '../privacy/retention.js';
import type { Db } from '../storage/database.js';

export interface SweepReport {
  inboundPeople: number;
  delivery: DeliveryReport;
  /** Present when this sweep also purged expired data (at most once an hour per instance). */
  purged?: PurgeReport;
}

export interface SweepDeps {
  db: Db;
  inbox: Inbox;
  outbox: Outbox;
  logger: Logger;
  retentionDays: number;
  now: () => Date;
}

const PURGE_EVERY_MS = 3_600_000;

/**
 * The periodic work (an interval on Node, a Cron Trigger on Workers): events left unprocessed (a
 * crash, a failed attempt), due or expired outbox rows, and once an hour the retention purge.
 */
export function createSweep(deps: SweepDeps): () => Promise<SweepReport> {
  const { db, inbox, outbox, logger, retentionDays, now } = deps;
  let lastPurge = 0;
  return async function sweep() {
    const inboundPeople = await inbox.processWaiting();
    const delivery = await outbox.deliver();
    const at = now();
    if (at.getTime() - lastPurge < PURGE_EVERY_MS) return { inboundPeople, delivery };
    lastPurge = at.getTime();
    const purged = await purgeExpired(db, at, retentionDays);
    if (purged.people + purged.closedCases + purged.inboundEvents > 0) logger.info('retention.purged', { ...purged });
    return { inboundPeople, delivery, purged };
  };
}
