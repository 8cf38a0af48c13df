import { describeInbound, type InboundMessage } from '../core/messages.js';
import { applyCard, eraseCasesOf, notePersonMessages, openCasesOf, requestHandoff } from '../handoff/cases.js';
import { countEvents, type CountIncrement } from '../observatory/counts.js';
import { enqueueMany, eraseOutboxOf, releaseHeldOf } from '../outbox/rows.js';
import { lockPeople, notePeopleWrote, type PersonKey } from '../people/people.js';
import type { DbOrTx } from '../storage/database.js';
import { appendTranscripts, eraseTranscript, type TranscriptEntry } from '../transcript/transcript.js';
import type { OutboxPayload } from '../core/messages.js';
import { conversationsOf, saveStates } from './conversations.js';
import { forgetEventsOf, markAppliedMany, noteAttemptIn, setAside, waitingEventsOf, type InboundEvent } from './events.js';
import type { CaseEventSink } from '../handoff/events.js';
import type { RunEngine } from './inbox.js';

/** What one batch did, for the caller's logs and for the tests. */
export interface BatchOutcome {
  /** Events applied. */
  applied: number;
  /** Events the engine could not apply (counted against their attempts, set aside after the last). */
  failed: { eventId: number; personKey: string; error: unknown }[];
}

/**
 * Applies every waiting event of these people in ONE transaction (the caller's), oldest first per
 * person, with a constant number of statements whatever the number of people: lock the people,
 * read their events and conversations, run the engine in memory, then write states, transcripts,
 * outbox rows, people, events and counts in one statement each. This is how concurrent webhooks share
 * one commit instead of paying one each.
 *
 * Every processor locks the people before reading their events, so one person's updates are never
 * applied twice or out of order, even by several instances at once.
 */
export async function applyBatch(
  tx: DbOrTx,
  keys: PersonKey[],
  runEngine: RunEngine,
  at: Date,
  maxAttempts: number,
  tell: CaseEventSink,
): Promise<BatchOutcome> {
  const people = await lockPeople(tx, keys);
  const byKey = new Map(people.map((p) => [`${p.channel}\u0000${p.externalKey}`, p]));
  // Independent reads: postgres.js pipelines them on the transaction's connection.
  const personIds = people.map((p) => p.id);
  const [events, conversations, openCases] = await Promise.all([
    waitingEventsOf(
      tx,
      keys.map((k) => ({ channel: k.channel, personKey: k.externalKey })),
    ),
    conversationsOf(tx, personIds),
    openCasesOf(tx, personIds),
  ]);
  const stateOf = new Map(conversations.map((c) => [c.personId, { id: c.id, state: c.state }]));

  const outcome: BatchOutcome = { applied: 0, failed: [] };
  const transcript: (TranscriptEntry & { personId: number })[] = [];
  const outbound: { personId: number; channel: InboundEvent['channel']; payload: OutboxPayload }[] = [];
  const states = new Map<number, { state: object; steps: number }>();
  const wrote = new Map<number, { personId: number; locale: StepLocale; wroteAt: Date }>();
  const applied: number[] = [];
  const counts: CountIncrement[] = [];
  const blocked = new Set<number>();
  const caseMessages = new Map<number, Date>();

  for (const event of events) {
    const person = byKey.get(`${event.channel}\u0000${event.personKey}`);
    // A person whose earlier event failed keeps the rest for later, in order.
    if (!person || blocked.has(person.id)) continue;
    if (!event.payload) {
      await setAside(tx, event.id, 'no payload');
      continue;
    }
    const inbound: InboundMessage = { ...event.payload, receivedAt: new Date(event.payload.receivedAt) };
    const current = states.get(person.id)?.state ?? stateOf.get(person.id)?.state ?? {};
    const isNew = Object.keys(current).length === 0;
    let result;
    try {
      result = runEngine(isNew ? null : (current as Record<string, unknown>), inbound, openCases.get(person.id));
    } catch (error) {
      // Our bug, for this message only: count the attempt, keep the person's later messages waiting.
      blocked.add(person.id);
      await noteAttemptIn(tx, event.id, error, maxAttempts);
      outcome.failed.push({ eventId: event.id, personKey: event.personKey, error });
      continue;
    }

    if (result.erase) {
      // "Delete my data": what this batch wrote for them goes too, before it is even stored.
      const conversation = stateOf.get(person.id);
      if (conversation) await eraseTranscript(tx, conversation.id);
      await eraseCasesOf(tx, person.id, tell);
      await eraseOutboxOf(tx, person.id);
      await forgetEventsOf(tx, event.channel, event.personKey, event.id);
      dropWhere(transcript, (t) => t.personId === person.id);
      dropWhere(outbound, (o) => o.personId === person.id);
      openCases.delete(person.id);
    } else {
      // A message written while the person has a case belongs to it (the volunteer's transcript).
      const kase = openCases.get(person.id);
      transcript.push({
        personId: person.id,
        author: 'person',
        text: describeInbound(inbound),
        meta: { kind: inbound.body.kind },
        caseId: kase?.id ?? null,
      });
      if (kase) {
        caseMessages.set(kase.id, inbound.receivedAt);
        await tell(tx, { kind: 'person-message', caseId: kase.id, text: describeInbound(inbound) });
      }
    }
    result.outbound.forEach((m, i) => {
      const french = result.sources[i];
      const meta = { ...(m.kind === 'choices' ? { choices: m.choices.map((c) => c.id) } : {}), ...(french ? { fr: french } : {}) };
      transcript.push({ personId: person.id, author: 'bot', text: m.text, meta: Object.keys(meta).length > 0 ? meta : null });
      outbound.push({ personId: person.id, channel: event.channel, payload: { message: m, locale: result.locale, direction: result.direction } });
    });
    counts.push({ metric: 'message.in', channel: event.channel, locale: result.locale });
    if (isNew) counts.push({ metric: 'conversation.started', channel: event.channel, locale: result.locale });
    // Which leaflet or poster brought the person (`entry.zone-attente`): a known alias, never their words.
    if (result.entry) counts.push({ metric: `entry.${result.entry}`, channel: event.channel, locale: result.locale });
    if (result.handoff) {
      const handoff = await requestHandoff(tx, { personId: person.id, ...result.handoff, locale: result.locale }, at);
      if (handoff.status === 'opened') {
        openCases.set(person.id, { id: handoff.caseId, status: 'open', card: {} });
        await tell(tx, { kind: 'opened', caseId: handoff.caseId });
      } else if (handoff.becameUrgent) await tell(tx, { kind: 'urgent', caseId: handoff.caseId });
      counts.push({ metric: result.handoff.urgent ? 'handoff.urgent' : 'handoff', channel: event.channel, locale: result.locale });
    }
    const kase = openCases.get(person.id);
    if (result.card && kase) {
      const becameUrgent = await applyCard(tx, kase.id, result.card, at);
      kase.card = result.card;
      await tell(tx, { kind: 'card', caseId: kase.id });
      if (becameUrgent) await tell(tx, { kind: 'urgent', caseId: kase.id });
    }
    states.set(person.id, { state: result.state, steps: (states.get(person.id)?.steps ?? 0) + 1 });
    const last = wrote.get(person.id);
    wrote.set(person.id, {
      personId: person.id,
      locale: result.erase ? null : result.locale,
      wroteAt: last && last.wroteAt > inbound.receivedAt ? last.wroteAt : inbound.receivedAt,
    });
    applied.push(event.id);
  }

  // One statement each. The states go first: the transcript finds each conversation by its person.
  await saveStates(
    tx,
    [...states].map(([personId, s]) => ({ personId, ...s })),
    at,
  );
  await Promise.all([
    appendTranscripts(tx, transcript),
    enqueueMany(tx, outbound, at),
    notePeopleWrote(tx, [...wrote.values()]),
    // The people wrote: a platform window (WhatsApp's 24 hours) is open again.
    releaseHeldOf(tx, [...wrote.keys()], at),
    markAppliedMany(tx, applied, at),
    countEvents(tx, at, counts),
    notePersonMessages(
      tx,
      [...caseMessages].map(([caseId, when]) => ({ caseId, at: when })),
    ),
  ]);
  outcome.applied = applied.length;
  return outcome;
}

type StepLocale = Parameters<typeof notePeopleWrote>[1][number]['locale'];

function dropWhere<T>(list: T[], drop: (item: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (drop(list[i]!)) list.splice(i, 1);
}
