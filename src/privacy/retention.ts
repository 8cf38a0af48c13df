import { purgeClosedCases } from '../handoff/cases.js';
import { DEDUPE_KEEP_DAYS, purgeDedupeKeys } from '../inbound/events.js';
import { purgeSilentPeople } from '../people/people.js';
import type { Db } from '../storage/database.js';

export interface PurgeReport {
  people: number;
  closedCases: number;
  inboundEvents: number;
}

const DAY = 86_400_000;

/**
 * Store only what the service needs. After `retentionDays` without a word from a person, and once no
 * case or message of theirs is still open, the person goes with everything attached (conversation,
 * transcript, outbox, cases). Closed cases go after the same delay even when the person is still
 * around; dedupe keys after `DEDUPE_KEEP_DAYS`. Anonymous daily counts stay. Each table's owner does
 * its own deleting; this decides when.
 */
export async function purgeExpired(db: Db, now: Date, retentionDays: number): Promise<PurgeReport> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY);
  return {
    people: await purgeSilentPeople(db, cutoff),
    closedCases: await purgeClosedCases(db, cutoff),
    inboundEvents: await purgeDedupeKeys(db, new Date(now.getTime() - DEDUPE_KEEP_DAYS * DAY)),
  };
}
