/**
 * The words of the handoff that every room shares: what a case card holds (the intake's answers), how
 * a case ends, who a volunteer is. Neutral: the engine fills a card, storage keeps it, the console and
 * the volunteers' group show it.
 */

/** Who writes: the person concerned, someone close to them, their lawyer, someone else. */
export const WRITERS = ['person', 'relative', 'lawyer', 'other'] as const;
export type Writer = (typeof WRITERS)[number];

/** Where the person is. */
export const PLACE_KINDS = ['waiting-zone', 'land-border', 'elsewhere'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** The nearest deadline's kind. */
export const DEADLINE_KINDS = ['flight', 'hearing', 'appeal', 'other'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** What the intake learnt. Every field may stay unknown: each question can be skipped. */
export interface CaseCard {
  writer?: Writer;
  placeKind?: PlaceKind;
  /** Which airport, port or border post (a choice's key such as `roissy`, or the person's words). */
  place?: string;
  deadlineKind?: DeadlineKind;
  /** When, as an ISO instant; a day without a time is noon Paris time, marked `deadlineTimeKnown: false`. */
  deadlineAt?: string;
  deadlineTimeKnown?: boolean;
  /** May the association's volunteers see what the person told? */
  consent?: boolean;
}

/** How a case ends (DESIGN.md, handoff contract). */
export const OUTCOMES = ['information-given', 'referred-to-lawyer', 'asylum-interview-support', 'no-answer', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ROLES = ['volunteer', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

/** A deadline this close makes a case urgent. */
export const URGENT_WITHIN_MS = 48 * 60 * 60 * 1000;

/**
 * A post about a case for the volunteers' group, queued in the outbox by whoever mirrors cases and
 * carried out by the group's sender, step by step (each step one call; an attempt resumes after the
 * steps an earlier one did). Before its steps, the sender makes sure the case has its topic and card.
 */
export interface CasePost {
  caseId: number;
  steps: CasePostStep[];
}

export type CasePostStep =
  /** A message in the topic; `buttons` puts the case's buttons (or "reopen") under it; `replyTo` answers a message. */
  | { do: 'say'; text: string; buttons?: 'case' | 'reopen'; replyTo?: number }
  /** The card's message is rendered again (the intake filled it). */
  | { do: 'refresh-card' }
  | { do: 'close-topic' }
  | { do: 'reopen-topic' }
  /** The topic goes (the person erased their data): it carries their words. */
  | { do: 'delete-topic'; threadId: number };
