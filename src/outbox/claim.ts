import { sql } from 'drizzle-orm';
import type { OutboxChannel, OutboxPayload } from '../core/messages.js';
import { rowsOf, type DbOrTx } from '../storage/database.js';
import { outbox, people } from '../storage/schema.js';
import type { Delivery } from './sender.js';

/** A claimed row: a delivery, the lease that makes it ours, and whether its person can be reached. */
export interface Claimed extends Delivery {
  leaseUntil: Date;
  unreachable: boolean;
}

/**
 * Claims due rows in ONE statement, for up to `maxPeople` people: each person's head (the oldest row
 * not yet sent or given up) when it is due, and the due rows right after it, so a person's three
 * replies go out in one round, in order. A head is locked (`SKIP LOCKED`) and its lease set in the same
 * statement, so another instance sees the person as busy and claims none of their rows: one person's
 * messages are never sent by two instances, nor out of order. A row whose sender died is claimed again
 * once its lease has expired.
 */
export async function claimDue(
  db: DbOrTx,
  at: Date,
  leaseMs: number,
  maxPeople: number,
  maxRows: number,
): Promise<Claimed[]> {
  const lease = new Date(at.getTime() + leaseMs);
  const now = at.toISOString();
  const result = await db.execute(sql`
    with heads as (
      select distinct on (person_id) id from ${outbox}
      where status in ('pending', 'sending', 'held')
      order by person_id, id
    ), ready as (
      select o.id, o.person_id from ${outbox} o
      where o.id in (select id from heads)
        and ((o.status = 'pending' and o.next_attempt_at <= ${now}::timestamptz)
          or (o.status = 'sending' and o.lease_until <= ${now}::timestamptz))
      order by o.id
      limit ${maxPeople}
      for update skip locked
    ), claimable as (
      select o.id from ${outbox} o join ready r on r.person_id = o.person_id
      where o.id = r.id or (
        o.id > r.id and o.status = 'pending' and o.next_attempt_at <= ${now}::timestamptz
        and not exists (
          select 1 from ${outbox} b
          where b.person_id = o.person_id and b.id > r.id and b.id < o.id
            and b.status in ('pending', 'sending', 'held')
            and not (b.status = 'pending' and b.next_attempt_at <= ${now}::timestamptz)
        )
      )
      order by o.id
      limit ${maxRows}
      for update of o skip locked
    )
    update ${outbox} set status = 'sending', lease_until = ${lease.toISOString()}::timestamptz, attempts = ${outbox.attempts} + 1
    from claimable c, ${people} p
    where ${outbox.id} = c.id and p.id = ${outbox.personId}
    returning ${outbox.id}::text as id, ${outbox.personId} as person_id, ${outbox.channel} as channel,
      ${outbox.payload} as payload, ${outbox.attempts} as attempts, ${outbox.externalIds} as external_ids,
      p.external_key, p.last_inbound_at, p.unreachable_at`);
  return rowsOf<ClaimedRow>(result)
    .map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      personKey: r.external_key,
      personId: r.person_id,
      payload: r.payload,
      attempt: r.attempts,
      lastInboundAt: r.last_inbound_at === null ? null : new Date(r.last_inbound_at),
      deliveredParts: r.external_ids ?? [],
      leaseUntil: lease,
      unreachable: r.unreachable_at !== null,
    }))
    .sort((a, b) => a.id - b.id);
}

interface ClaimedRow {
  id: string;
  person_id: number;
  channel: OutboxChannel;
  payload: OutboxPayload;
  attempts: number;
  external_ids: string[] | null;
  external_key: string;
  last_inbound_at: Date | string | null;
  unreachable_at: Date | string | null;
}

/** How one claimed row ends this round, for the single settling statement. */
export interface Settlement {
  id: number;
  status: 'sent' | 'pending' | 'failed';
  externalIds?: string[];
  lastError?: string | null;
  nextAttemptAt?: Date;
  /** Claimed but not attempted (an earlier row of the person did not go): the attempt is given back. */
  untried?: boolean;
}

/**
 * Records how a round ended for every row in ONE statement. Only rows still held under our lease are
 * touched: a row whose lease expired and that another instance claimed is that instance's to settle.
 */
export async function settleAll(db: DbOrTx, settlements: Settlement[], lease: Date, at: Date): Promise<void> {
  if (settlements.length === 0) return;
  const rows = JSON.stringify(
    settlements.map((s) => ({
      id: s.id,
      status: s.status,
      external_ids: s.externalIds ?? null,
      last_error: s.lastError === undefined ? null : s.lastError,
      keep_error: s.lastError === undefined,
      next_attempt_at: s.nextAttemptAt?.toISOString() ?? null,
      undo: s.untried ? 1 : 0,
    })),
  );
  await db.execute(sql`
    update ${outbox} set
      status = v.status,
      sent_at = case when v.status = 'sent' then ${at.toISOString()}::timestamptz else ${outbox.sentAt} end,
      external_ids = coalesce(v.external_ids, ${outbox.externalIds}),
      last_error = case when v.keep_error then ${outbox.lastError} else v.last_error end,
      next_attempt_at = coalesce(v.next_attempt_at, ${outbox.nextAttemptAt}),
      attempts = ${outbox.attempts} - v.undo,
      lease_until = null
    from jsonb_to_recordset(${rows}::jsonb)
      as v(id bigint, status text, external_ids jsonb, last_error text, keep_error boolean, next_attempt_at timestamptz, undo integer)
    where ${outbox.id} = v.id and ${outbox.status} = 'sending' and ${outbox.leaseUntil} = ${lease.toISOString()}::timestamptz`);
}
