import type { Content } from '../content/index.js';
import { choiceId, INTAKE_SCREENS } from '../content/screens.js';
import { OUTCOMES, type CaseCard, type Outcome } from '../core/handoff.js';
import type { Direction, LocaleCode } from '../core/locales.js';
import type { ChannelName } from '../core/messages.js';
import { TIME_ZONE } from '../core/time.js';
import type { CaseView } from '../handoff/cases.js';
import type { DeliveryState } from '../handoff/relay.js';

/**
 * The console's words for what the handoff holds: times in Paris time and as "in 5 h", outcomes,
 * channels, places, delivery states, and what a case's situation is. The API's reasons and the pages'
 * flash messages use the same sentences.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration as a volunteer reads it at a glance: "4 min", "5 h 20 min", "2 d 3 h". */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return 'less than a minute';
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  // Up to two days, hours: the urgency line is drawn at 48 hours, and deadlines are counted in hours.
  if (abs < 2 * DAY) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return h < 10 && m > 0 ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  return h > 0 ? `${d} d ${h} h` : `${d} d`;
}

/** "in 5 h" for a moment to come, "2 h ago" for one gone by. */
export function relative(at: Date | string, now: Date): string {
  const ms = new Date(at).getTime() - now.getTime();
  return ms >= 0 ? `in ${duration(ms)}` : `${duration(ms)} ago`;
}

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const day = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'short', day: 'numeric', month: 'short' });
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Paris time: "14:02" today, "Tue 2 Dec 14:02" another day. */
export function parisTime(at: Date | string, now: Date): string {
  const d = new Date(at);
  const time = clock.format(d);
  return dayKey.format(d) === dayKey.format(now) ? time : `${day.format(d)} ${time}`;
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  'information-given': 'information given',
  'referred-to-lawyer': 'referred to a lawyer',
  'asylum-interview-support': 'asylum interview support',
  'no-answer': 'no answer',
  other: 'other',
};
export { OUTCOMES };

export const CHANNEL_LABELS: Record<ChannelName, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', web: 'web chat' };

const PLACE_KINDS: Record<string, string> = { 'waiting-zone': 'waiting zone', 'land-border': 'land border', elsewhere: 'elsewhere' };
const DEADLINE_KINDS: Record<string, string> = { flight: 'flight', hearing: 'hearing', appeal: 'appeal', other: 'deadline' };
const WRITERS: Record<string, string> = { person: 'the person concerned', relative: 'someone close to them', lawyer: 'their lawyer', other: 'someone else' };

/**
 * Where the person is, from the card: "Roissy-CDG (waiting zone)". A place chosen from the intake's
 * list is named as the person saw it (in English for the words); one typed is shown as typed.
 */
export function placeOf(card: CaseCard, content: Content): string | null {
  const kind = card.placeKind ? PLACE_KINDS[card.placeKind] ?? card.placeKind : undefined;
  const place = card.place ? placeName(card, card.place, content) : undefined;
  if (place && kind) return `${place} (${kind})`;
  return place ?? kind ?? null;
}

function placeName(card: CaseCard, place: string, content: Content): string {
  const question = card.placeKind === 'waiting-zone' ? 'zone' : card.placeKind === 'land-border' ? 'border' : undefined;
  const choice = question ? INTAKE_SCREENS[question].choices.find((c) => c.id === choiceId.intake(question, place)) : undefined;
  if (!choice) return place;
  return 'literal' in choice.label ? choice.label.literal : content.translation('en', choice.label.message);
}

export function writerOf(card: CaseCard): string | null {
  return card.writer ? WRITERS[card.writer] ?? card.writer : null;
}

export function deadlineKindOf(card: CaseCard): string {
  return card.deadlineKind ? DEADLINE_KINDS[card.deadlineKind] ?? card.deadlineKind : 'deadline';
}

export const REASONS: Record<string, string> = {
  asked: 'asked for a volunteer',
  'urgent-deadline': 'urgent deadline',
  'no-match': 'the bot could not help',
  'unsupported-media': 'sent something the bot cannot read',
};

export const DELIVERY_LABELS: Record<DeliveryState, string> = {
  queued: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  held: 'held: outside WhatsApp’s 24-hour window, it goes when the person writes again',
  failed: 'failed',
};

/** A locale as the console names it (its own name) and lays it out. */
export interface LocaleLabel {
  code: LocaleCode;
  name: string;
  english: string;
  dir: Direction;
}

export function localeLabel(content: Content, code: LocaleCode | null): LocaleLabel {
  const info = content.locales[code ?? 'fr'];
  return { code: info.code, name: info.nativeName, english: info.englishName, dir: info.direction };
}

/**
 * What a stale form is checked against: the case's state (open, held by whom, closed when). A page
 * renders it in a hidden field; a form whose case has moved on since is refused, politely. The person
 * writing again does not change it.
 */
export function caseVersion(view: Pick<CaseView, 'status' | 'claimedBy' | 'closedAt'>): string {
  return `${view.status}-${view.claimedBy?.id ?? 0}-${view.closedAt ? Date.parse(view.closedAt) : 0}`;
}

/** Who holds the case, as a sentence: "Bruno holds this case since 14:02." */
export function holderSentence(view: Pick<CaseView, 'claimedBy' | 'claimedAt'>, me: number, now: Date): string {
  if (!view.claimedBy) return 'Nobody holds this case.';
  const since = view.claimedAt ? ` since ${parisTime(view.claimedAt, now)}` : '';
  return view.claimedBy.id === me ? `You hold this case${since}.` : `${view.claimedBy.name} holds this case${since}.`;
}

/** Where the case stands now, for someone whose page showed something else. */
export function situation(view: CaseView, me: number, now: Date): string {
  switch (view.status) {
    case 'closed':
      return `The case was closed${view.closedAt ? ` at ${parisTime(view.closedAt, now)}` : ''}${view.outcome ? ` (${OUTCOME_LABELS[view.outcome]})` : ''}.`;
    case 'claimed':
      return holderSentence(view, me, now);
    case 'open':
      return 'The case is in the queue, held by nobody.';
    default: {
      const never: never = view.status;
      return never;
    }
  }
}
