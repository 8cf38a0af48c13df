import { formatDayAndTime, formatWait } from '../content/intl.js';
import { normalise } from '../content/normalise.js';
import { choiceId, INTAKE_SCREENS, type IntakeQuestion } from '../content/screens.js';
import { URGENT_WITHIN_MS, type CaseCard, type DeadlineKind, type PlaceKind, type Writer } from '../core/handoff.js';
import { parisClock, parisInstant } from '../core/time.js';
import type { Reply } from './replies.js';
import type { ConversationState } from './state.js';
import { answerOf, choiceNumber, type Said } from './understanding.js';

/**
 * The intake: a few short questions after a person asks for a volunteer, each skippable, whose
 * answers fill the case card — who writes, where the person is, the nearest deadline, and whether the
 * association's volunteers may see the answers. What the conversation already showed is not asked.
 */

export interface IntakeState {
  question: IntakeQuestion;
  card: CaseCard;
  /** The day chosen, waiting for its time (`YYYY-MM-DD`, Paris). */
  day?: string;
}

/** What the reader's branch already says: who writes and where the person is. */
export function cardFromBranch(branch: string | undefined): CaseCard {
  switch (branch) {
    case 'relative':
      return { writer: 'relative', placeKind: 'waiting-zone' };
    case 'held':
      return { writer: 'person', placeKind: 'waiting-zone' };
    case 'border':
      return { writer: 'person', placeKind: 'land-border' };
    default:
      return {};
  }
}

/** Starts the intake with what is known, or says what happens next at once if nothing is left to ask. */
export function startIntake(s: ConversationState, r: Reply, known: CaseCard): void {
  const card = { ...known };
  const question = nextQuestion(card, undefined);
  if (!question) {
    delete s.intake;
    return;
  }
  r.say('intake.intro');
  s.intake = { question, card };
  ask(s, r);
}

/**
 * A message while the intake waits for an answer. Returns false when it is not an answer (a question,
 * a command): the intake is left, what was answered stays on the card, and the caller carries on.
 */
export function answerIntake(s: ConversationState, r: Reply, body: { choice?: string; said?: Said }): boolean {
  const intake = s.intake;
  if (!intake) return false;
  let choice = body.choice;
  if (!choice && body.said) {
    const n = choiceNumber(body.said.norm);
    if (n !== undefined && n > 0) choice = s.lastChoices[n - 1];
  }
  if (choice?.startsWith('in:')) {
    if (choice !== choiceId.intakeSkip) applyChoice(intake, choice, r.ctx.now);
    return advance(s, r, intake.question);
  }
  if (choice) return false;
  const said = body.said;
  if (!said) return false;
  if (said.norm === normalise(r.message('intake.skip'))) return advance(s, r, intake.question);
  const typed = typedAnswer(intake, said, r);
  if (!typed) return false;
  return advance(s, r, intake.question);
}

function advance(s: ConversationState, r: Reply, answered: IntakeQuestion): true {
  const intake = s.intake!;
  const deadline = intake.card.deadlineAt ? Date.parse(intake.card.deadlineAt) : undefined;
  if (deadline !== undefined && deadline - r.ctx.now.getTime() < URGENT_WITHIN_MS && !s.urgent) {
    // A deadline within 48 hours makes the case urgent, whatever the person lets volunteers read.
    s.urgent = true;
    r.requestHandoff({ urgent: true, reason: 'urgent-deadline' });
  }
  const next = nextQuestion(intake.card, answered, intake.day);
  if (next) {
    intake.question = next;
    ask(s, r);
    return true;
  }
  delete s.intake;
  // The card leaves the conversation only with a yes (now or for this case before); a no or a skip
  // keeps it private, and clears what an earlier yes had shared.
  r.card = intake.card.consent === true ? { ...intake.card } : { consent: false };
  r.screenText(intake.card.consent === true ? 'intake.done' : 'intake.done.private');
  return true;
}

function ask(s: ConversationState, r: Reply): void {
  s.onTopic = false;
  r.screen(INTAKE_SCREENS[s.intake!.question]);
}

/** The first question after `answered` whose answer is not known yet. */
function nextQuestion(card: CaseCard, answered: IntakeQuestion | undefined, day?: string): IntakeQuestion | undefined {
  const order: IntakeQuestion[] = ['who', 'where', 'zone', 'border', 'deadline', 'day', 'date', 'time', 'consent'];
  const from = answered ? order.indexOf(answered) + 1 : 0;
  for (const question of order.slice(from)) {
    switch (question) {
      case 'who':
        if (!card.writer) return question;
        break;
      case 'where':
        if (!card.placeKind) return question;
        break;
      case 'zone':
        if (card.placeKind === 'waiting-zone' && !card.place) return question;
        break;
      case 'border':
        if (card.placeKind === 'land-border' && !card.place) return question;
        break;
      case 'deadline':
        if (!card.deadlineKind) return question;
        break;
      case 'day':
        if (card.deadlineKind && card.deadlineKind !== 'other' && !card.deadlineAt && answered === 'deadline') return question;
        break;
      case 'date':
        if (answered === 'day' && day === 'later') return question;
        break;
      case 'time':
        if ((answered === 'day' || answered === 'date') && card.deadlineAt && !card.deadlineTimeKnown) return question;
        break;
      case 'consent':
        if (card.consent === undefined) return question;
        break;
    }
  }
  return undefined;
}

const WRITERS: Record<string, Writer> = { person: 'person', relative: 'relative', lawyer: 'lawyer', other: 'other' };
const PLACES: Record<string, PlaceKind> = { zone: 'waiting-zone', border: 'land-border', elsewhere: 'elsewhere' };
const DEADLINES: Record<string, DeadlineKind> = { flight: 'flight', hearing: 'hearing', appeal: 'appeal' };

function applyChoice(intake: IntakeState, choice: string, now: Date): void {
  const [, question, value = ''] = choice.split(':');
  const card = intake.card;
  switch (question) {
    case 'who':
      if (WRITERS[value]) card.writer = WRITERS[value];
      return;
    case 'where':
      if (PLACES[value]) card.placeKind = PLACES[value];
      return;
    case 'zone':
    case 'border':
      card.place = value;
      return;
    case 'deadline':
      if (DEADLINES[value]) card.deadlineKind = DEADLINES[value];
      else if (value === 'none') card.deadlineKind = 'other';
      return;
    case 'day': {
      intake.day = value;
      const today = parisClock(now).date;
      if (value === 'today') setDay(card, today);
      if (value === 'tomorrow') setDay(card, parisClock(new Date(now.getTime() + 86_400_000)).date);
      return;
    }
    case 'consent':
      card.consent = value === 'yes';
      return;
  }
}

/** A day without its time yet: noon, marked unknown, so the queue can still order by it. */
function setDay(card: CaseCard, date: string): void {
  card.deadlineAt = parisInstant(date, 12 * 60).toISOString();
  card.deadlineTimeKnown = false;
}

/** Words typed as an answer: a place's name, a date, a time, yes or no. Undefined when not an answer. */
function typedAnswer(intake: IntakeState, said: Said, r: Reply): boolean {
  const card = intake.card;
  switch (intake.question) {
    case 'zone':
    case 'border': {
      // The airport, port or border post in the person's words (kept short: it is a card, not a story).
      if (said.text.trim().length === 0 || said.text.length > 80) return false;
      card.place = said.text.trim();
      return true;
    }
    case 'date': {
      const date = parseDate(said.norm, r.ctx.now);
      if (!date) return false;
      intake.day = date;
      setDay(card, date);
      return true;
    }
    case 'time': {
      const minutes = parseTime(said.norm);
      if (minutes === undefined || !card.deadlineAt) return false;
      const date = parisClock(new Date(card.deadlineAt)).date;
      card.deadlineAt = parisInstant(date, minutes).toISOString();
      card.deadlineTimeKnown = true;
      return true;
    }
    case 'consent': {
      const yesNo = answerOf(said.norm, r.locale, r.ctx.content);
      if (!yesNo) return false;
      card.consent = yesNo === 'yes';
      return true;
    }
    default:
      return false;
  }
}

/** "24 12", "24/12/2026" (normalised: separators are spaces) → the next such day, Paris time. */
export function parseDate(norm: string, now: Date): string | undefined {
  const match = /^(\d{1,2}) (\d{1,2})(?: (\d{2}|\d{4}))?$/.exec(norm);
  if (!match) return undefined;
  const day = Number(match[1]);
  const month = Number(match[2]);
  if (day < 1 || day > 31 || month < 1 || month > 12) return undefined;
  const today = parisClock(now).date;
  let year = match[3] ? Number(match[3].length === 2 ? `20${match[3]}` : match[3]) : Number(today.slice(0, 4));
  const pad = (n: number) => String(n).padStart(2, '0');
  let date = `${year}-${pad(month)}-${pad(day)}`;
  // A day already past this year, written without a year, is next year's.
  if (!match[3] && date < today) date = `${++year}-${pad(month)}-${pad(day)}`;
  // 31/02 does not exist.
  return new Date(`${date}T12:00:00Z`).toISOString().slice(0, 10) === date ? date : undefined;
}

/** "14 30", "14h30", "9h", "09 00" (normalised) → minutes since midnight. */
export function parseTime(norm: string): number | undefined {
  const match = /^(\d{1,2})(?: ?h ?| )?(\d{2})?(?: ?h)?$/.exec(norm);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? 0);
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : undefined;
}

/** What happens next, honestly: a volunteer soon (and roughly when), or when the service opens again. */
export function whatHappensNext(r: Reply): void {
  const availability = r.ctx.availability;
  if (!availability || availability.open) {
    if (availability?.answerMinutes) r.say('handoff.open.within', (locale) => ({ wait: formatWait(locale, availability.answerMinutes!) }));
    else r.say('handoff.open');
    return;
  }
  if (availability.reopensAt) r.say('handoff.closed', (locale) => ({ when: formatDayAndTime(locale, availability.reopensAt!) }));
  else r.say('handoff.open');
  if (availability.urgentContact) r.say('handoff.urgent.contact', { contact: availability.urgentContact });
}
