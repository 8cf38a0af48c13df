import type { InlineKeyboardMarkup } from 'grammy/types';
import { OUTCOMES, type CaseCard, type Outcome } from '../../../core/handoff.js';
import { PLATFORM_LIMITS, utf16Length } from '../../../core/limits.js';
import { TIME_ZONE } from '../../../core/time.js';
import type { CaseView } from '../../../handoff/cases.js';
import type { CaseMessage } from '../../../handoff/relay.js';
import { encodeCaseTap } from './callback-data.js';

/**
 * What the volunteers read in their group: topic names, the case card, the lines posted as a case
 * goes, the notices and the answers to taps. Pure. In English, like the console; every sentence is
 * here, so translating the group's words is one file.
 *
 * A topic's name is seen by every member in the list of topics: it carries the urgency, the case
 * number, the language and the place when the place is one of the intake's choices — never the
 * person's name, number or chat id, and never words the person typed (they may name someone).
 */

/** Telegram's limit on a topic's name (UTF-16 code units). */
export const TOPIC_NAME_MAX = 128;

/** The intake's choices of places (src/content/screens.ts): keys, never the person's words. */
const PLACES: Record<string, string> = {
  roissy: 'Roissy',
  orly: 'Orly',
  port: 'a port',
  menton: 'Menton',
  montgenevre: 'Montgenèvre',
  hendaye: 'Hendaye',
  'le-perthus': 'Le Perthus',
};

const PLACE_KINDS: Record<NonNullable<CaseCard['placeKind']>, string> = {
  'waiting-zone': 'waiting zone',
  'land-border': 'land border',
  elsewhere: 'elsewhere',
};

/** The place for a topic's name: a known choice, else only the kind of place, else nothing. */
function placeForName(card: CaseCard): string | undefined {
  if (card.place && Object.hasOwn(PLACES, card.place)) return PLACES[card.place];
  return card.placeKind ? PLACE_KINDS[card.placeKind] : undefined;
}

/** "🔴 #12 · ar · Roissy · ✋ Amina": triage at a glance in the list of topics. */
export function topicName(view: Pick<CaseView, 'id' | 'urgent' | 'locale' | 'card' | 'claimedBy'>): string {
  const parts = [`#${view.id}`, view.locale ?? '?', placeForName(view.card)].filter((p): p is string => Boolean(p));
  const name = `${view.urgent ? '🔴 ' : ''}${parts.join(' · ')}`;
  if (!view.claimedBy) return name;
  // The holder's name is a volunteer's, not the person's; cut it rather than pass Telegram's limit.
  const holder = ` · ✋ ${view.claimedBy.name}`;
  return truncate(name + holder, TOPIC_NAME_MAX);
}

function truncate(text: string, max: number): string {
  if (utf16Length(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (utf16Length(out + ch) > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

const REASONS: Record<string, string> = {
  asked: 'asked for a volunteer',
  'urgent-deadline': 'a deadline within 48 hours',
  'no-match': 'the bot could not answer',
  'unsupported-media': 'sent something the bot cannot read',
};

const WRITERS: Record<NonNullable<CaseCard['writer']>, string> = {
  person: 'the person concerned',
  relative: 'someone close to them',
  lawyer: 'their lawyer',
  other: 'someone else',
};

const DEADLINES: Record<NonNullable<CaseCard['deadlineKind']>, string> = {
  flight: 'flight',
  hearing: 'hearing',
  appeal: 'appeal',
  other: 'other',
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  'information-given': 'Information given',
  'referred-to-lawyer': 'Referred to a lawyer',
  'asylum-interview-support': 'Asylum interview support',
  'no-answer': 'No answer',
  other: 'Other',
};

const CHANNELS: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', web: 'web chat' };

const parisTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const parisDay = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'short', day: 'numeric', month: 'short' });

/** Lines of the conversation before the case shown under the card, and how much of each. */
const BACKGROUND_LINES = 10;
const BACKGROUND_LINE_MAX = 300;

/**
 * The case card, with the last lines of the person's conversation with the bot before the case opened
 * (the bot's lines in French when the person read a translation). Fits one message.
 */
export function cardText(view: CaseView, background: CaseMessage[]): string {
  const card = view.card;
  const lines = [
    `${view.urgent ? '🔴 URGENT — ' : ''}Case #${view.id}`,
    `Language: ${view.locale ?? 'unknown'} · ${CHANNELS[view.channel] ?? view.channel}${view.needsInterpreter ? ' · no volunteer reads it: interpreter needed' : ''}`,
    `Why: ${REASONS[view.reason] ?? view.reason}${view.topicId ? ` (topic ${view.topicId})` : ''}`,
  ];
  if (card.writer) lines.push(`Who writes: ${WRITERS[card.writer]}`);
  if (card.placeKind || card.place) {
    const place = card.place ? (Object.hasOwn(PLACES, card.place) ? PLACES[card.place] : `“${card.place}”`) : undefined;
    lines.push(`Where: ${[card.placeKind ? PLACE_KINDS[card.placeKind] : undefined, place].filter(Boolean).join(' — ')}`);
  }
  if (card.deadlineKind || card.deadlineAt) {
    const when = card.deadlineAt
      ? card.deadlineTimeKnown === false
        ? `${parisDay.format(new Date(card.deadlineAt))} (time unknown)`
        : `${parisTime.format(new Date(card.deadlineAt))} Paris time`
      : undefined;
    lines.push(`Deadline: ${[card.deadlineKind ? DEADLINES[card.deadlineKind] : undefined, when].filter(Boolean).join(', ')}`);
  }
  if (card.consent === false) lines.push('The person kept their answers to the intake private.');
  else if (card.consent === undefined) lines.push('Intake: not finished yet.');
  lines.push(`Opened: ${parisTime.format(new Date(view.openedAt))}`);
  lines.push(view.status === 'closed' ? 'Closed.' : view.claimedBy ? `Held by ${view.claimedBy.name}.` : 'Nobody holds it yet: tap Take, or simply write here to answer.');

  const head = lines.join('\n');
  const said = background
    .filter((m) => m.author === 'person' || m.author === 'bot')
    .slice(-BACKGROUND_LINES)
    .map((m) => `${m.author === 'person' ? '👤' : '🤖'} ${truncate((m.author === 'bot' && m.french) || m.text, BACKGROUND_LINE_MAX)}`);
  if (said.length === 0) return head;
  // The card must fit one message: the oldest lines give way first.
  const room = PLATFORM_LIMITS.telegram.text - utf16Length(head) - 40;
  while (said.length > 0 && utf16Length(said.join('\n')) > room) said.shift();
  return said.length > 0 ? `${head}\n\nBefore the case:\n${said.join('\n')}` : head;
}

/** Take, release, close: under the card and under announcements. */
export function caseKeyboard(caseId: number): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [
        { text: '✋ Take', callback_data: encodeCaseTap({ action: 'claim', caseId }) },
        { text: '↩ Release', callback_data: encodeCaseTap({ action: 'release', caseId }) },
      ],
      [{ text: '✔ Close…', callback_data: encodeCaseTap({ action: 'close', caseId }) }],
    ],
  };
}

/** How did it end? (closing asks first: the person is told at once, so a slip of the thumb must not close). */
export function outcomeKeyboard(caseId: number): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      ...OUTCOMES.map((outcome) => [{ text: OUTCOME_LABELS[outcome], callback_data: encodeCaseTap({ action: 'close', caseId, outcome }) }]),
      [{ text: '← Back', callback_data: encodeCaseTap({ action: 'back', caseId }) }],
    ],
  };
}

export function reopenKeyboard(caseId: number): InlineKeyboardMarkup {
  return { inline_keyboard: [[{ text: '↺ Reopen', callback_data: encodeCaseTap({ action: 'reopen', caseId }) }]] };
}

/** The lines posted in a case's topic as the case goes. */
export const say = {
  person: (text: string) => `👤 ${text}`,
  consoleReply: (name: string, text: string) => `💬 ${name} (console) → person:\n${text}`,
  consoleNote: (name: string, text: string) => `📝 Note by ${name}: ${text}`,
  claimed: (name: string) => `✋ ${name} took the case.`,
  released: (name: string | null) =>
    name ? `↩ ${name} released the case: it is back in the queue.` : '↩ Back in the queue: its volunteer had said nothing for a while.',
  closed: (name: string, outcome: Outcome) => `✔ Closed by ${name}: ${OUTCOME_LABELS[outcome]}. The person was told; the bot answers them again.`,
  reopened: (name: string | undefined) => `↺ Reopened${name ? ` by ${name}` : ''}: back in the queue.`,
  urgent: () => '🔴 Now urgent.',
  waiting: (minutes: number) => `⏰ Open for ${formatMinutes(minutes)} and nobody has taken it.`,
  held: (reason: string) => `⏸ Not delivered yet to the person (${reason}). It goes when they write again.`,
  failed: (reason: string) => `⚠️ Not delivered to the person: ${reason}`,
};

function formatMinutes(minutes: number): string {
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')}`;
}

/** Refusals posted in the topic, answering the message refused. Nothing reached the person. */
export const notice = {
  notHolder: (caseId: number, holder: string) =>
    `⛔ Not sent to the person: ${holder} holds case #${caseId}. Only the volunteer who holds a case writes to the person; ask them or a coordinator to release it.`,
  closed: (caseId: number) => `⛔ Not sent: case #${caseId} is closed. Tap Reopen under the closing message first.`,
  media: () => '⛔ Not sent: only text reaches the person for now (no photos, files, voice notes or stickers). Write it in words.',
  unknownCommand: (command: string) => `⛔ Not sent: ${command} is not a command here. Plain text goes to the person; /note … keeps an internal note.`,
  anonymous: () => '⛔ Not sent: write as yourself, not anonymously as the group, so that Relais knows who holds the case.',
  refused: (why: string) => `⛔ Not sent: ${why}`,
  emptyNote: () => 'Write the note after the command, for example: /note brother at Roissy, terminal 2',
};

/** Answers to taps (a short line at the top of the screen). */
export const answer = {
  claimed: (caseId: number) => `You hold case #${caseId}. Write in this topic to answer the person.`,
  alreadyYours: (caseId: number) => `You already hold case #${caseId}.`,
  taken: (caseId: number, holder: string) => `${holder} holds case #${caseId}.`,
  closed: (caseId: number) => `Case #${caseId} is closed.`,
  gone: () => 'This case no longer exists.',
  released: (caseId: number) => `Released: case #${caseId} is back in the queue.`,
  notHolder: (caseId: number, holder: string, what: 'release' | 'close') =>
    `${holder} holds case #${caseId}: only they or a coordinator can ${what} it.`,
  notClaimed: (caseId: number) => `Nobody holds case #${caseId}.`,
  howDidItEnd: () => 'How did it end? The person is told as soon as you choose.',
  closedNow: (caseId: number) => `Case #${caseId} closed. The person was told.`,
  reopened: (caseId: number) => `Case #${caseId} reopened: it is back in the queue.`,
  otherOpenCase: (caseId: number) => `The person has another open case, #${caseId}.`,
  notClosed: (caseId: number) => `Case #${caseId} is not closed.`,
  notMember: () => 'Only members of the volunteers’ group can act on cases.',
  unknownButton: () => 'This button is no longer in use.',
  busy: (seconds: number) => `The group is busy (Telegram allows 20 messages a minute). Tap again in ${seconds} s.`,
  refused: (why: string) => why,
};

/** Why a group member may not act, in their words. */
export const refusals = {
  removed: 'your volunteer account was removed. Ask a coordinator.',
  unlinked: 'your Telegram account is not linked to a volunteer account. Ask a coordinator.',
};
