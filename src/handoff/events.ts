import type { Outcome } from '../core/handoff.js';
import type { DbOrTx } from '../storage/database.js';

/**
 * What happens to a case, told to whoever mirrors cases elsewhere (the volunteers' Telegram group).
 * A sink runs inside the transaction that made the change, so what it writes (a post queued in the
 * outbox) commits with it or not at all.
 *
 * `via: 'telegram-group'` marks what a volunteer wrote in the group itself: the group has it already.
 */
export type CaseEvent =
  | { kind: 'opened'; caseId: number }
  | { kind: 'urgent'; caseId: number }
  | { kind: 'card'; caseId: number }
  | { kind: 'person-message'; caseId: number; text: string }
  | { kind: 'claimed'; caseId: number; by: { id: number; name: string } }
  | { kind: 'released'; caseId: number; by: { id: number; name: string } | null }
  | { kind: 'closed'; caseId: number; outcome: Outcome; by: { id: number; name: string } }
  | { kind: 'reopened'; caseId: number; by?: { id: number; name: string } }
  | { kind: 'volunteer-reply'; caseId: number; by: { id: number; name: string }; text: string; via?: ActorVia }
  | { kind: 'note'; caseId: number; by: { id: number; name: string }; text: string; via?: ActorVia }
  | { kind: 'undelivered'; caseId: number; state: 'held' | 'failed'; reason: string }
  /** Open, nobody has taken it, for `minutes` since it opened (the sweep, once per reminder period). */
  | { kind: 'waiting'; caseId: number; minutes: number }
  /** The person erased their data: the case is about to go, and whatever mirrors it should go too. */
  | { kind: 'erased'; caseId: number };

/** Where a volunteer acted, when it was not the console. */
export type ActorVia = 'telegram-group';

export type CaseEventSink = (tx: DbOrTx, event: CaseEvent) => Promise<void>;

/** Several sinks as one (none configured: nothing happens). */
export function caseEvents(sinks: CaseEventSink[]): CaseEventSink {
  return async (tx, event) => {
    for (const sink of sinks) await sink(tx, event);
  };
}
